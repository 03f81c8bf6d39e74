import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BLACKBOX_MODULES, GATEWAY_PROBES } from "../../stacks/monitoring/blackbox-probes.js";
import { committedRules, PROMETHEUS_DIR } from "../support/prometheus.js";

type Column = { usage: string; description: string };
type Query = { query: string; master?: boolean; metrics: Record<string, Column>[] };

const queries = parse(readFileSync(join(PROMETHEUS_DIR, "exporters", "postgres-queries.yml"), "utf8")) as Record<string, Query>;
const blackbox = parse(readFileSync(join(PROMETHEUS_DIR, "exporters", "blackbox.yml"), "utf8")) as {
  modules: Record<string, { prober: string; http: { valid_status_codes: number[] } }>;
};

const customMetrics = Object.entries(queries).flatMap(([namespace, q]) =>
  q.metrics.flatMap((m) => Object.entries(m).filter(([, c]) => c.usage !== "LABEL").map(([column]) => `${namespace}_${column}`)),
);

describe("postgres_exporter queries file", () => {
  it("runs each cluster-wide query once, on the primary database, with a described usage per column", () => {
    for (const [namespace, q] of Object.entries(queries)) {
      expect(q.master, namespace).toBe(true);
      for (const [column, c] of q.metrics.flatMap((m) => Object.entries(m))) {
        expect(["LABEL", "GAUGE", "COUNTER"], `${namespace}.${column}`).toContain(c.usage);
        expect(c.description, `${namespace}.${column}`).toMatch(/\w{3,}/);
      }
    }
  });

  it("produces every custom metric the Postgres rules use", () => {
    const used = committedRules().flatMap((r) => r.rule.expr.match(/\b(pg_archiver|pg_slot|pg_wal_directory)_\w+/g) ?? []);
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(customMetrics, name).toContain(name);
  });
});

describe("blackbox exporter modules", () => {
  it("define every module a gateway probe uses, and only those", () => {
    expect(Object.keys(blackbox.modules).sort()).toEqual([...BLACKBOX_MODULES].sort());
    for (const probe of GATEWAY_PROBES) expect(Object.keys(blackbox.modules), probe.name).toContain(probe.module);
  });

  it("accept exactly the status their name promises", () => {
    for (const [name, module] of Object.entries(blackbox.modules)) {
      expect(module.prober, name).toBe("http");
      const status = Number(name.replace("http_", "").replace("2xx", "200"));
      expect(module.http.valid_status_codes, name).toEqual([status]);
    }
  });
});
