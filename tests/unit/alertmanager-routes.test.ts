import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { ALERTMANAGER_DIR, runAmtool } from "../support/alertmanager.js";

/** One `amtool config routes test` case: the labels of an alert and the receivers it must reach, in order. */
interface RouteCase {
  /** What the case shows. */
  readonly name: string;
  /** Labels of the alert. */
  readonly labels: Readonly<Record<string, string>>;
  /** Receivers, comma-separated in routing order. */
  readonly receivers: string;
}

const CASES: readonly RouteCase[] = [
  { name: "Watchdog goes to the heartbeat only", labels: { alertname: "Watchdog", severity: "none", env: "prod" }, receivers: "heartbeat" },
  { name: "critical pages and continues to chat", labels: { alertname: "PostgresDown", severity: "critical", service: "postgres", env: "prod" }, receivers: "pager,chat" },
  { name: "a critical Loki log alert pages too", labels: { alertname: "PostgresLogPanic", severity: "critical", service: "postgres", env: "staging" }, receivers: "pager,chat" },
  { name: "warning goes to chat", labels: { alertname: "RedisMemoryHigh", severity: "warning", service: "redis", env: "prod" }, receivers: "chat" },
  { name: "info is dropped", labels: { alertname: "KongConfigReloaded", severity: "info", service: "kong", env: "dev" }, receivers: "null" },
  { name: "severity none other than the Watchdog is dropped", labels: { alertname: "InfoInhibitor", severity: "none", env: "dev" }, receivers: "null" },
  { name: "an alert without severity falls back to chat", labels: { alertname: "Unlabelled", service: "auth", env: "prod" }, receivers: "chat" },
  { name: "an unknown severity falls back to chat", labels: { alertname: "Odd", severity: "page", service: "rest", env: "prod" }, receivers: "chat" },
  { name: "a Watchdog marked critical still only feeds the heartbeat", labels: { alertname: "Watchdog", severity: "critical", env: "prod" }, receivers: "heartbeat" },
];

describe("amtool config routes test", () => {
  const config = join(ALERTMANAGER_DIR, "alertmanager.yml");
  const route = (c: RouteCase, receivers: string) =>
    runAmtool(["config", "routes", "test", `--config.file=${config}`, `--verify.receivers=${receivers}`, ...Object.entries(c.labels).map(([k, v]) => `${k}=${v}`)]);

  it.each(CASES)("$name", (c) => {
    const run = route(c, c.receivers);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout.trim()).toBe(c.receivers);
  });

  it("fails a case whose receivers are wrong, so the table can fail", () => {
    expect(route(CASES[1]!, "chat").status).not.toBe(0);
  });
});

/** An alerting rule's name and static labels. */
interface RuleLabels {
  /** Where the rule is defined. */
  readonly file: string;
  readonly alert: string;
  readonly labels: Readonly<Record<string, string>>;
}

const RULE_DIRS = [join(REPO_ROOT, "monitoring", "prometheus", "rules"), join(REPO_ROOT, "monitoring", "loki", "rules")];
const RULES: readonly RuleLabels[] = RULE_DIRS.filter(existsSync).flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .flatMap((file) =>
      (parse(readFileSync(join(dir, file), "utf8")).groups as { rules: { alert?: string; labels?: Record<string, string> }[] }[])
        .flatMap((g) => g.rules)
        .filter((r) => r.alert)
        .map((r) => ({ file, alert: r.alert!, labels: r.labels ?? {} })),
    ),
);

/** The receivers the routing convention promises for an alert. */
function expectedReceivers(rule: RuleLabels): string {
  if (rule.alert === "Watchdog") return "heartbeat";
  return { critical: "pager,chat", warning: "chat", info: "null", none: "null" }[rule.labels["severity"]!]!;
}

describe("every alerting rule of the repository (Prometheus and Loki)", () => {
  const config = join(ALERTMANAGER_DIR, "alertmanager.yml");

  it("includes the alerts the inhibition rules name", () => {
    const names = new Set(RULES.map((r) => r.alert));
    for (const name of ["PostgresDown", "NodeDown", "Watchdog"]) expect(names, name).toContain(name);
  });

  it.each(RULES)("$alert ($file) reaches the receivers its severity promises", (rule) => {
    expect(["critical", "warning", "info", "none"]).toContain(rule.labels["severity"]);
    const labels = Object.entries({ alertname: rule.alert, env: "prod", ...rule.labels }).map(([k, v]) => `${k}=${v}`);
    const run = runAmtool(["config", "routes", "test", `--config.file=${config}`, `--verify.receivers=${expectedReceivers(rule)}`, ...labels]);
    expect(run.status, run.output).toBe(0);
  });
});
