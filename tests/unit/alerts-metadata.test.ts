import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { REALTIME_LIMIT_RECORD } from "../../stacks/monitoring/realtime-limit-rules.js";
import { committedRules, metricNamesOf, type RuleEntry } from "../support/prometheus.js";

const RUNBOOK_DIR = join(REPO_ROOT, "runbooks", "alerts");
const REQUIRED = ["PostgresDown", "RedisDown", "KongHigh5xxRate", "RealtimeDown", "BackupTooOld", "WalArchiveStale", "Watchdog"];
/** Names the issue fixes without a component prefix. */
const UNPREFIXED = ["Watchdog", "WalArchiveStale"];
/** Alerts whose `service` label comes from the series: the scrape job, or the service behind a probed route. */
const SERVICE_FROM_SERIES = ["PrometheusTargetDown", "BlackboxProbeFailed", "BlackboxTlsCertificateExpiringSoon", "BlackboxTlsCertificateExpiryImminent"];
const SECTIONS = ["Meaning", "Impact", "Diagnosis", "Mitigation"];

const rules = committedRules();
const alerts = rules.filter((r): r is RuleEntry & { rule: { alert: string } } => r.rule.alert !== undefined);
const names = alerts.map((a) => a.rule.alert);
const component = (group: string): string => group.replace(/\.rules$/, "");
const runbook = (name: string): string => readFileSync(join(RUNBOOK_DIR, `${name}.md`), "utf8");
const section = (text: string, title: string): string => text.split(/^## /m).find((s) => s.startsWith(`${title}\n`)) ?? "";

/** Alerts of Loki's ruler (monitoring/loki/rules), whose runbooks share runbooks/alerts/. */
function lokiAlertNames(): string[] {
  const dir = join(REPO_ROOT, "monitoring", "loki", "rules");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => (parse(readFileSync(join(dir, f), "utf8")) as { groups: { rules: { alert?: string }[] }[] }).groups)
    .flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
}

describe("alerting rules", () => {
  it("number at least 40, with unique names and the ones other parts of the stack rely on", () => {
    expect(alerts.length).toBeGreaterThanOrEqual(40);
    expect(new Set(names).size).toBe(names.length);
    for (const name of REQUIRED) expect(names).toContain(name);
  });

  it("are CamelCase and carry their component's prefix", () => {
    for (const { group, rule } of alerts) {
      expect(rule.alert).toMatch(/^([A-Z][a-z0-9]+)+$/);
      if (UNPREFIXED.includes(rule.alert)) continue;
      const prefix = component(group)[0]!.toUpperCase() + component(group).slice(1);
      expect(rule.alert.startsWith(prefix), `${rule.alert} in group ${group}`).toBe(true);
    }
  });

  it("label severity (critical, warning or info) and service (their component, or taken from the series)", () => {
    for (const { group, rule } of alerts) {
      expect(Object.keys(rule.labels ?? {}).every((k) => ["severity", "service"].includes(k)), rule.alert).toBe(true);
      expect(["critical", "warning", "info"], rule.alert).toContain(rule.labels?.["severity"]);
      if (SERVICE_FROM_SERIES.includes(rule.alert)) expect(rule.labels?.["service"], rule.alert).toBeUndefined();
      else expect(rule.labels?.["service"], rule.alert).toBe(component(group));
    }
  });

  it("annotate a static summary, a templated description and the runbook under runbooks/alerts/", () => {
    for (const { rule } of alerts) {
      expect(Object.keys(rule.annotations ?? {}).sort(), rule.alert).toEqual(["description", "runbook_url", "summary"]);
      expect(rule.annotations!["summary"], rule.alert).toMatch(/^\S.{10,}\.$/);
      expect(rule.annotations!["summary"], rule.alert).not.toContain("{{");
      expect(rule.annotations!["description"], rule.alert).toMatch(/\{\{ .+ \}\}/);
      expect(rule.annotations!["runbook_url"]).toBe(`runbooks/alerts/${rule.alert}.md`);
    }
  });

  it("wait a valid duration when they wait", () => {
    for (const { rule } of alerts) if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smhd]$/);
  });

  it("live in groups named after their component; recordings in <component>.rules, named level:metric:operations", () => {
    for (const { file, group, rule } of rules) {
      expect(group, file).toMatch(/^[a-z]+(\.rules)?$/);
      expect(group.endsWith(".rules"), `${group}: ${rule.alert ?? rule.record}`).toBe(rule.record !== undefined);
      if (rule.record) expect(rule.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
    }
    const recorded = new Set([...rules.flatMap((r) => (r.rule.record ? [r.rule.record] : [])), REALTIME_LIMIT_RECORD]);
    for (const { rule } of rules) for (const name of metricNamesOf(rule.expr).filter((n) => n.includes(":"))) expect(recorded, name).toContain(name);
    const components = new Map<string, string>();
    for (const { file, group } of rules) {
      expect(components.get(component(group)) ?? file, `group ${group}`).toBe(file);
      components.set(component(group), file);
    }
  });
});

describe("runbooks", () => {
  it("exist for every alert, and only for alerts of Prometheus or Loki", () => {
    for (const name of names) expect(existsSync(join(RUNBOOK_DIR, `${name}.md`)), name).toBe(true);
    const known = new Set([...names, ...lokiAlertNames()]);
    const files = readdirSync(RUNBOOK_DIR).filter((f) => f.endsWith(".md") && f !== "README.md");
    expect(files.map((f) => f.replace(/\.md$/, "")).filter((name) => !known.has(name))).toEqual([]);
  });

  it("follow the skeleton: title, then Meaning, Impact, Diagnosis and Mitigation", () => {
    for (const name of names) {
      const text = runbook(name);
      expect(text.split("\n")[0], name).toBe(`# ${name}`);
      expect([...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]), name).toEqual(SECTIONS);
      for (const title of SECTIONS) expect(section(text, title).trim().length, `${name}: ${title}`).toBeGreaterThan(80);
      expect(text, name).not.toMatch(/TODO|TBD|lorem/i);
    }
  });

  it("give PromQL to inspect and commands for both platforms", () => {
    for (const name of names) {
      const text = runbook(name);
      expect(text, name).toContain("```promql");
      expect(section(text, "Diagnosis") + section(text, "Mitigation"), name).toMatch(/docker (exec|logs|compose|restart|inspect|ps|stats|cp|volume|run)/);
      expect(section(text, "Diagnosis") + section(text, "Mitigation"), name).toMatch(/kubectl (-n \S+ )?\w+/);
    }
  });

  it("are specific to their alert, not copies of one another", () => {
    const meanings = names.map((name) => section(runbook(name), "Meaning").trim());
    expect(new Set(meanings).size).toBe(names.length);
    const diagnoses = names.map((name) => section(runbook(name), "Diagnosis").trim());
    expect(new Set(diagnoses).size).toBe(names.length);
  });
});
