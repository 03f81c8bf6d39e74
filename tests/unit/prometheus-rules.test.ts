import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { REALTIME_LIMIT_RECORD, renderRealtimeLimitRules } from "../../stacks/monitoring/realtime-limit-rules.js";
import { REALTIME_TENANT } from "../../stacks/services/endpoints.js";
import { requireBinary } from "../support/binaries.js";
import { committedRules, PROMETHEUS_DIR, yamlFiles } from "../support/prometheus.js";

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(requireBinary("promtool", "prometheus"), args, { cwd: PROMETHEUS_DIR, encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe("rule files", () => {
  it("pass promtool check rules with the duplicate-rules lint", () => {
    const run = promtool("check", "rules", "--lint=duplicate-rules", "--lint-fatal", ...yamlFiles("rules").map((f) => join("rules", f)));
    expect(run.output).not.toMatch(/FAILED|duplicate/i);
    expect(run.status, run.output).toBe(0);
  });

  it("pass every promtool unit test in tests/", () => {
    const files = yamlFiles("tests").map((f) => join("tests", f));
    expect(files.length).toBeGreaterThanOrEqual(yamlFiles("rules").length);
    const run = promtool("test", "rules", ...files);
    expect(run.output).not.toMatch(/FAILED/);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(files.length);
    expect(run.status, run.output).toBe(0);
  });

  it("each have a unit test file that loads them", () => {
    const loaded = yamlFiles("tests").flatMap((f) => (parse(readFileSync(join(PROMETHEUS_DIR, "tests", f), "utf8")) as { rule_files: string[] }).rule_files);
    for (const file of yamlFiles("rules")) expect(loaded, file).toContain(`../rules/${file}`);
  });
});

describe("the generated Realtime limit rules", () => {
  const config = parseConfig({ platform: "docker", realtime: { maxConcurrentUsers: 250 } }, "dev");
  const rendered = renderRealtimeLimitRules(config);

  it("record the configured limit for the self-hosted tenant", () => {
    expect(parse(rendered)).toEqual({
      groups: [{ name: "realtime-limits", rules: [{ record: REALTIME_LIMIT_RECORD, expr: "vector(250)", labels: { tenant: REALTIME_TENANT } }] }],
    });
  });

  it("are the series the Realtime limit alert joins on", () => {
    const alert = committedRules().find((r) => r.rule.alert === "RealtimeConnectionsNearTenantLimit");
    expect(alert?.rule.expr).toContain(`on (tenant) ${REALTIME_LIMIT_RECORD}`);
  });

  it("pass promtool, and make the limit alert fire at 80% of the configured value", () => {
    const dir = mkdtempSync(join(tmpdir(), "realtime-limits-"));
    temps.push(dir);
    writeFileSync(join(dir, "limits.yml"), rendered);
    expect(promtool("check", "rules", join(dir, "limits.yml")).status).toBe(0);
    const series = (connected: number) => ({ series: `realtime_connections_connected_cluster{job="realtime", tenant="${REALTIME_TENANT}"}`, values: `${connected}x10` });
    const test = {
      rule_files: [join(dir, "limits.yml"), join(PROMETHEUS_DIR, "rules", "realtime.yml")],
      evaluation_interval: "1m",
      tests: [199, 201].map((connected) => ({
        interval: "1m",
        input_series: [series(connected)],
        alert_rule_test: [
          {
            eval_time: "10m",
            alertname: "RealtimeConnectionsNearTenantLimit",
            exp_alerts: connected < 200 ? [] : [{ exp_labels: { severity: "warning", service: "realtime", tenant: REALTIME_TENANT }, exp_annotations: annotations("80.4%") }],
          },
        ],
      })),
    };
    writeFileSync(join(dir, "test.yml"), stringify(test));
    const run = promtool("test", "rules", join(dir, "test.yml"));
    expect(run.status, run.output).toBe(0);
  });
});

function annotations(share: string): Record<string, string> {
  const rule = committedRules().find((r) => r.rule.alert === "RealtimeConnectionsNearTenantLimit")!.rule;
  return {
    summary: rule.annotations!["summary"]!,
    description: `Tenant ${REALTIME_TENANT} uses ${share} of its connection limit; at 100% new clients are refused.`,
    runbook_url: rule.annotations!["runbook_url"]!,
  };
}
