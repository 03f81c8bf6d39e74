import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { readStackConfig } from "../../stacks/stack-files.js";
import { parseConfig } from "../../stacks/config.js";
import { type K6TestRunArgs, gateQuery, renderK6TestRun } from "../../stacks/loadtest/testrun.js";
import { requireBinary } from "../support/binaries.js";

const staging = parseConfig(readStackConfig("staging").raw, "staging");
const ARGS: K6TestRunArgs = {
  name: "release-2026-11",
  stack: "staging",
  namespace: "loadtest",
  scenario: "average",
  target: 10_000,
  limits: staging.realtime,
  parallelism: 4,
  scriptConfigMap: "k6-suite",
  secretName: "k6-supabase",
  supabaseUrl: "https://api.staging.example.com",
  prometheusRemoteWriteUrl: "http://prometheus.monitoring:9090/api/v1/write",
  runnerImage: "grafana/k6:2.2.0",
};

const dir = mkdtempSync(join(tmpdir(), "loadtest-gate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs promtool on a rules file (and optionally a rules test), returning its output and status. */
function promtool(args: string[], files: Record<string, unknown>): { status: number | null; output: string } {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content));
  const run = spawnSync(requireBinary("promtool", "prometheus"), args, { cwd: dir, encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe("renderK6TestRun", () => {
  const { testRun, archiveCommand } = renderK6TestRun(ARGS);

  it("renders a k6-operator TestRun spread over nodes, running the archive from a ConfigMap", () => {
    expect(testRun).toMatchObject({
      apiVersion: "k6.io/v1alpha1",
      kind: "TestRun",
      metadata: { name: "release-2026-11", namespace: "loadtest" },
      spec: {
        parallelism: 4,
        separate: true,
        cleanup: "post",
        script: { configMap: { name: "k6-suite", file: "archive.tar" } },
        arguments: "--tag testid=release-2026-11 -o experimental-prometheus-rw",
        runner: { image: "grafana/k6:2.2.0", envFrom: [{ secretRef: { name: "k6-supabase" } }] },
      },
    });
  });

  it("gives the runners the plan (80 % of the stack's join limit), native histograms and a per-pod runner tag", () => {
    const env = Object.fromEntries(testRun.spec.runner.env.map((e) => [e.name, "value" in e ? e.value : e.valueFrom.fieldRef.fieldPath]));
    expect(env).toMatchObject({
      SCENARIO: "average",
      TARGET_CONNECTIONS: "10000",
      JOIN_RATE: "80",
      ROOM_SIZE: "100",
      RUN_ID: "release-2026-11",
      RUNNER_NAME: "metadata.name",
      K6_PROMETHEUS_RW_SERVER_URL: "http://prometheus.monitoring:9090/api/v1/write",
      K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: "true",
    });
  });

  it("keeps every secret in the Secret reference", () => {
    const names = testRun.spec.runner.env.map((e) => e.name);
    for (const secret of ["SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "JWT_SECRET"]) {
      expect(names).not.toContain(secret);
      expect(archiveCommand).not.toContain(secret);
    }
  });

  it("builds the archive with the same shape the runners read, without embedding the environment", () => {
    expect(archiveCommand).toBe(
      "SCENARIO=average TARGET_CONNECTIONS=10000 JOIN_RATE=80 ROOM_SIZE=100 SUPABASE_URL=https://api.staging.example.com RUN_ID=release-2026-11 STACK=staging k6 archive --exclude-env-vars -O archive.tar tests/load/all.ts",
    );
  });

  it("refuses what the stack or the plan would reject", () => {
    expect(() => renderK6TestRun({ ...ARGS, target: 15_000 })).toThrow("15000 connections (--target, default 10000): the staging stack allows at most 12000");
    expect(() => renderK6TestRun({ ...ARGS, parallelism: 101 })).toThrow("parallelism: got 101; expected at most 100");
    expect(() => renderK6TestRun({ ...ARGS, runnerImage: "grafana/k6:latest" })).toThrow("runnerImage: got 'grafana/k6:latest'");
    expect(() => renderK6TestRun({ ...ARGS, name: "Release_1" })).toThrow("name: got 'Release_1'");
  });
});

describe("the PromQL release gate", () => {
  const query = renderK6TestRun(ARGS).gateQuery;

  it("covers every gate over the whole run (ramp, hold and slack: 785 s) for this testid", () => {
    for (const gate of ["no_data", "ws_connect_p95", "join_success", "broadcast_p95", "broadcast_p99", "message_loss", "rest_p95", "rest_errors", "auth_errors"]) {
      expect(query).toContain(`"gate", "${gate}"`);
    }
    expect(query).toContain('histogram_quantile(0.95, sum(last_over_time(k6_ws_connecting_seconds{testid="release-2026-11"}[785s]))) > 1');
    expect(query).toContain('histogram_quantile(0.99, sum(last_over_time(k6_rt_latency_seconds{testid="release-2026-11",kind="broadcast"}[785s]))) > 0.25');
    expect(query).toContain("> 0.001");
  });

  it("is valid PromQL for promtool", () => {
    const result = promtool(["check", "rules", "gate.yml"], { "gate.yml": { groups: [{ name: "loadtest", rules: [{ record: "loadtest:gate_failed", expr: query }] }] } });
    expect(result.output).toContain("SUCCESS: 1 rules found");
    expect(result.status).toBe(0);
  });

  it("sums counters across runners: fails join_success at 0.2 % errors, passes at 0.05 %, and flags a run with no data", () => {
    const expr = gateQuery("t1", 600);
    const series = (errors: number) => [
      { series: 'k6_rt_joins_total{testid="t1",outcome="ok",runner="r-0"}', values: "0+500x10" },
      { series: 'k6_rt_joins_total{testid="t1",outcome="ok",runner="r-1"}', values: "0+500x10" },
      { series: 'k6_rt_joins_total{testid="t1",outcome="error",runner="r-1"}', values: `0+${errors}x10` },
      { series: 'k6_rt_received_total{testid="t1",runner="r-0"}', values: "0+10000x10" },
      { series: 'k6_rt_lost_total{testid="t1",runner="r-1"}', values: "0+1x10" },
    ];
    const rules = { groups: [{ name: "loadtest", rules: [{ record: "loadtest:gate_failed", expr }] }] };
    const tests = {
      rule_files: ["gate.yml"],
      evaluation_interval: "1m",
      tests: [
        { interval: "1m", input_series: series(2), promql_expr_test: [{ expr: "loadtest:gate_failed", eval_time: "10m", exp_samples: [{ labels: 'loadtest:gate_failed{gate="join_success"}', value: 20 / 10_020 }] }] },
        { interval: "1m", input_series: series(0.5), promql_expr_test: [{ expr: "loadtest:gate_failed", eval_time: "10m", exp_samples: [] }] },
        { interval: "1m", input_series: [], promql_expr_test: [{ expr: "loadtest:gate_failed", eval_time: "10m", exp_samples: [{ labels: 'loadtest:gate_failed{gate="no_data",testid="t1"}', value: 1 }] }] },
      ],
    };
    const result = promtool(["test", "rules", "gate.test.yml"], { "gate.yml": rules, "gate.test.yml": tests });
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});
