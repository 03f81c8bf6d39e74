import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { PROMETHEUS_EXAMPLES } from "../../stacks/monitoring/prometheus-examples.js";
import { REALTIME_LIMIT_RULE_FILE, renderRealtimeLimitRules } from "../../stacks/monitoring/realtime-limit-rules.js";
import { PROMETHEUS_BASE_DIR } from "../../stacks/monitoring/scrape-config.js";
import { readStackConfig, REPO_ROOT } from "../../stacks/stack-files.js";
import { requireBinary } from "../support/binaries.js";
import { PROMETHEUS_DIR, yamlFiles } from "../support/prometheus.js";

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The committed example with its base dir moved to a temp dir holding the rules and, unless told otherwise, the credential files. */
function stage(file: string, withCredentials: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "prometheus-example-"));
  temps.push(dir);
  const text = readFileSync(join(REPO_ROOT, file), "utf8").replaceAll(PROMETHEUS_BASE_DIR, dir);
  mkdirSync(join(dir, "rules"));
  for (const rules of yamlFiles("rules")) copyFileSync(join(PROMETHEUS_DIR, "rules", rules), join(dir, "rules", rules));
  writeFileSync(join(dir, "rules", REALTIME_LIMIT_RULE_FILE), renderRealtimeLimitRules(parseConfig({ platform: "docker" }, "dev")));
  if (withCredentials) {
    for (const [, path] of text.matchAll(/credentials_file: (\S+)/g)) {
      mkdirSync(dirname(path!), { recursive: true });
      writeFileSync(path!, "token\n");
    }
  }
  writeFileSync(join(dir, "prometheus.yml"), text);
  return join(dir, "prometheus.yml");
}

describe.each(PROMETHEUS_EXAMPLES)("$file", (example) => {
  it("passes promtool check config, rule files included", () => {
    const promtool = requireBinary("promtool", "prometheus");
    const run = spawnSync(promtool, ["check", "config", stage(example.file, true)], { encoding: "utf8" });
    expect(run.stdout + run.stderr).toMatch(/SUCCESS: .* is valid prometheus config file syntax/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const rules of [...yamlFiles("rules"), REALTIME_LIMIT_RULE_FILE]) expect(run.stdout).toMatch(new RegExp(`${rules}\\s+SUCCESS: \\d+ rules found`));
  });

  it("is refused by promtool when the bearer token file is missing", () => {
    const promtool = requireBinary("promtool", "prometheus");
    const run = spawnSync(promtool, ["check", "config", stage(example.file, false)], { encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/realtimeMetricsToken/);
  });

  it("renders the stack's own env and platform", () => {
    const config = parseConfig(readStackConfig(example.stack).raw, example.stack);
    const text = readFileSync(join(REPO_ROOT, example.file), "utf8");
    expect(text).toContain(`env: ${example.stack}`);
    expect(text.includes("dns_sd_configs")).toBe(config.platform === "kubernetes");
  });
});
