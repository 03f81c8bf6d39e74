import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { committedRules, PROMETHEUS_DIR, yamlFiles } from "../support/prometheus.js";

/** One expected alert of a promtool alert_rule_test. */
interface ExpectedAlert {
  readonly exp_labels?: Record<string, string>;
  readonly exp_annotations?: Record<string, string>;
}

/** A promtool unit test file, as far as this test reads it. */
interface TestFile {
  readonly tests: { alert_rule_test?: { alertname: string; exp_alerts?: ExpectedAlert[] }[] }[];
}

/** Alerts that have no healthy state to test: the Watchdog fires from the first evaluation on, by design. */
const ALWAYS_FIRING = ["Watchdog"];

const cases = yamlFiles("tests").flatMap((file) =>
  (parse(readFileSync(join(PROMETHEUS_DIR, "tests", file), "utf8")) as TestFile).tests.flatMap((t) => (t.alert_rule_test ?? []).map((c) => ({ file, ...c }))),
);
const alertNames = committedRules().flatMap((r) => (r.rule.alert ? [r.rule.alert] : []));

describe("promtool unit tests", () => {
  it("have a firing case for every alert", () => {
    const firing = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    expect(alertNames.filter((name) => !firing.has(name))).toEqual([]);
  });

  it("have a non-firing case for every alert that can be quiet", () => {
    const quiet = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    expect(alertNames.filter((name) => !quiet.has(name) && !ALWAYS_FIRING.includes(name))).toEqual([]);
  });

  it("only name alerts that exist", () => {
    expect(cases.map((c) => c.alertname).filter((name) => !alertNames.includes(name))).toEqual([]);
  });

  it("expect severity and service on every firing alert, with all three annotations", () => {
    for (const c of cases) {
      for (const alert of c.exp_alerts ?? []) {
        expect(Object.keys(alert.exp_labels ?? {}), `${c.file}: ${c.alertname}`).toEqual(expect.arrayContaining(["severity", "service"]));
        expect(Object.keys(alert.exp_annotations ?? {}).sort(), `${c.file}: ${c.alertname}`).toEqual(["description", "runbook_url", "summary"]);
      }
    }
  });
});
