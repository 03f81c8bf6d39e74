import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parser } from "@grafana/lezer-logql";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Dashboard } from "../../stacks/monitoring/dashboards/model.js";
import { REPO_ROOT } from "../../stacks/stack-files.js";

/** Values Grafana variables take in dashboard LogQL before parsing; an unknown variable fails the test. */
const SAMPLE_VALUES: Readonly<Record<string, string>> = { env: "dev", service: "kong|auth", __auto: "1m", __interval: "1m", __range: "1h" };

/** One LogQL expression and where it was found. */
interface Found {
  readonly where: string;
  readonly expr: string;
}

/** Positions of error nodes in the lezer-logql parse tree, and the top node's first child (LogExpr or MetricExpr). */
function parseLogql(expr: string): { errors: number[]; kind: string | undefined } {
  const tree = parser.parse(expr);
  const errors: number[] = [];
  tree.iterate({ enter: (node) => void (node.type.isError && errors.push(node.from)) });
  return { errors, kind: tree.topNode.firstChild?.firstChild?.name };
}

const substitute = (expr: string): string =>
  expr.replace(/\$(\w+)/g, (match, name: string) => {
    const value = SAMPLE_VALUES[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${match} in ${expr}`);
    return value;
  });

const rulesDir = join(REPO_ROOT, "monitoring", "loki", "rules");
const ruleExprs: Found[] = readdirSync(rulesDir)
  .filter((f) => f.endsWith(".yml"))
  .flatMap((f) =>
    (parse(readFileSync(join(rulesDir, f), "utf8")).groups as { rules: { alert?: string; record?: string; expr: string }[] }[]).flatMap((g) =>
      g.rules.map((r) => ({ where: `${f} / ${r.alert ?? r.record}`, expr: r.expr })),
    ),
  );

const dashboardsDir = join(REPO_ROOT, "monitoring", "grafana", "dashboards");
const dashboardExprs: Found[] = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(dashboardsDir, f), "utf8")) as Dashboard)
  .flatMap((d) => d.panels.flatMap((p) => p.targets.filter((t) => t.datasource.type === "loki").map((t) => ({ where: `${d.uid} / ${p.title}`, expr: substitute(t.expr) }))));

describe("LogQL", () => {
  it("the parser rejects a broken query, so the checks below can fail", () => {
    expect(parseLogql('sum(count_over_time({service="kong"} |= "x" [5m)').errors).not.toEqual([]);
  });

  it.each(ruleExprs)("Loki rule $where parses as a metric query", ({ expr }) => {
    expect(parseLogql(expr)).toEqual({ errors: [], kind: "MetricExpr" });
  });

  it("dashboards query Loki", () => {
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(5);
  });

  it.each(dashboardExprs)("dashboard $where parses", ({ expr }) => {
    expect(parseLogql(expr).errors).toEqual([]);
  });
});
