import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Dashboard } from "../../stacks/monitoring/dashboards/model.js";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { requireBinary } from "../support/binaries.js";

/** Values a Grafana variable takes when a dashboard expression is checked; an unknown variable fails the test. */
const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  env: "dev",
  service: "rest",
  testid: "run-1",
  __rate_interval: "5m",
  __interval: "1m",
  __range: "1h",
  __auto: "1m",
};

/** One PromQL expression found in a committed dashboard. */
interface Found {
  /** dashboard uid and where in it. */
  readonly where: string;
  /** The expression as committed. */
  readonly expr: string;
}

function substitute(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (match, braced: string | undefined, plain: string | undefined) => {
    const value = SAMPLE_VALUES[braced ?? plain!];
    if (value === undefined) throw new Error(`unknown Grafana variable ${match} in ${expr}`);
    return value;
  });
}

/** The selector of label_values(selector, label); label_values(label) has none. */
const variableSelector = (query: string): string | undefined => /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];

function promqlOf(dashboard: Dashboard): Found[] {
  const panels = dashboard.panels.flatMap((p) =>
    p.targets.filter((t) => t.datasource.type === "prometheus").map((t) => ({ where: `${dashboard.uid} / ${p.title} / ${t.refId}`, expr: t.expr })),
  );
  const variables = dashboard.templating.list
    .filter((v) => v.type === "query" && v.datasource?.type === "prometheus")
    .flatMap((v) => {
      const selector = variableSelector(v.query);
      return selector ? [{ where: `${dashboard.uid} / $${v.name}`, expr: selector }] : [];
    });
  const annotations = dashboard.annotations.list.map((a) => ({ where: `${dashboard.uid} / annotation ${a.name}`, expr: a.expr }));
  return [...panels, ...variables, ...annotations];
}

describe("every PromQL expression of every dashboard", () => {
  const dir = join(REPO_ROOT, "monitoring", "grafana", "dashboards");
  const dashboards = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Dashboard);
  const found = dashboards.flatMap(promqlOf);
  const work = mkdtempSync(join(tmpdir(), "dashboard-promql-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("uses only known Grafana variables", () => {
    expect(found.length).toBeGreaterThan(100);
    for (const f of found) expect(() => substitute(f.expr), f.where).not.toThrow();
  });

  it("is valid PromQL for the real promtool (each one a recording rule)", () => {
    const promtool = requireBinary("promtool", "prometheus");
    const rules = found.map((f, i) => ({ record: `dashboard:check:${i}`, expr: substitute(f.expr) }));
    const file = join(work, "dashboards.rules.yml");
    writeFileSync(file, stringify({ groups: [{ name: "dashboards", rules }] }));
    const check = spawnSync(promtool, ["check", "rules", file], { encoding: "utf8" });
    const output = `${check.stdout}${check.stderr}`;
    const failing = [...output.matchAll(/dashboard:check:(\d+)/g)].map((m) => found[Number(m[1])]?.where);
    expect(failing, output).toEqual([]);
    expect(check.status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
