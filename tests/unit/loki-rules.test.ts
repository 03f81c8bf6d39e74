import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../stacks/stack-files.js";

/** An alerting rule as written in a rule file. */
interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

const rulesIn = (dir: string): AlertRule[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .flatMap((f) => (parse(readFileSync(join(dir, f), "utf8")).groups as { rules: AlertRule[] }[]).flatMap((g) => g.rules))
    .filter((r) => r.alert);

const LOKI_RULES = rulesIn(join(REPO_ROOT, "monitoring", "loki", "rules"));

/** The labels an expression's outermost aggregation keeps: `sum by (env, service) (…)` → env, service. */
const groupedBy = (expr: string): string[] => /^\s*\(?\s*\w+\s+by\s*\(([^)]*)\)/.exec(expr)?.[1]!.split(",").map((l) => l.trim()) ?? [];

describe("Loki alerting rules", () => {
  it("cover Postgres FATAL/PANIC, GoTrue login failures, Kong 5xx and log silence", () => {
    expect(LOKI_RULES.map((r) => r.alert).sort()).toEqual([
      "AuthLoginFailureBurst", "KongLog5xxBurst", "PostgresLogFatalBurst", "PostgresLogPanic", "ServiceLogsSilent",
    ]);
  });

  it("have names of their own, not used by a Prometheus rule", () => {
    const prometheusDir = join(REPO_ROOT, "monitoring", "prometheus", "rules");
    const prometheus = new Set(existsSync(prometheusDir) ? rulesIn(prometheusDir).map((r) => r.alert) : []);
    expect(LOKI_RULES.filter((r) => prometheus.has(r.alert)).map((r) => r.alert)).toEqual([]);
    expect(new Set(LOKI_RULES.map((r) => r.alert)).size).toBe(LOKI_RULES.length);
  });

  it.each(LOKI_RULES)("$alert has a severity, a service and the env it fired in", (rule) => {
    expect(rule.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(["critical", "warning", "info"]).toContain(rule.labels?.["severity"]);
    const kept = groupedBy(rule.expr);
    expect(kept).toContain("env");
    expect(rule.labels?.["service"] ?? (kept.includes("service") ? "from the expression" : undefined), "service label").toBeDefined();
  });

  it.each(LOKI_RULES)("$alert has a summary, a templated description and a runbook with the four sections", (rule) => {
    expect(rule.annotations?.["summary"]).toMatch(/\S/);
    expect(rule.annotations?.["description"]).toMatch(/\{\{ \$(labels|value)/);
    expect(rule.annotations?.["runbook_url"]).toBe(`runbooks/alerts/${rule.alert}.md`);
    const runbook = readFileSync(join(REPO_ROOT, rule.annotations!["runbook_url"]!), "utf8");
    expect(runbook.startsWith(`# ${rule.alert}\n`)).toBe(true);
    for (const section of ["Meaning", "Impact", "Diagnosis", "Mitigation"]) expect(runbook, section).toContain(`\n## ${section}\n`);
  });
});
