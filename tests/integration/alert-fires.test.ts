import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerAddressing } from "../../stacks/platforms/docker/addressing.js";
import { renderPrometheusConfig } from "../../stacks/monitoring/scrape-config.js";
import { freePort } from "../../scripts/lib/free-port.js";
import { requireBinary } from "../support/binaries.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import {
  committedRules,
  keepScrapeJobs,
  metricNamesOf,
  PROMETHEUS_DIR,
  startExporter,
  startProcess,
  startPrometheus,
  waitForAlert,
  waitForQuery,
  withFor,
  type ExporterProcess,
  type PrometheusServer,
  type RunningProcess,
} from "../support/prometheus.js";

const QUERIES_FILE = join(PROMETHEUS_DIR, "exporters", "postgres-queries.yml");
const POSTGRES_RULES = join(PROMETHEUS_DIR, "rules", "postgres.yml");
const REALTIME_SLOT = "supabase_realtime_replication_slot";

/** Every metric the custom queries file declares: namespace_column for each non-label column. */
function customMetricNames(): string[] {
  const queries = parse(readFileSync(QUERIES_FILE, "utf8")) as Record<string, { metrics: Record<string, { usage: string }>[] }>;
  return Object.entries(queries).flatMap(([namespace, q]) =>
    q.metrics.flatMap((m) => Object.entries(m).filter(([, c]) => c.usage !== "LABEL").map(([column]) => `${namespace}_${column}`)),
  );
}

/** The metric names with a prefix that the rules of one file select. */
function ruleMetrics(file: string, prefix: string): string[] {
  return [...new Set(committedRules().filter((r) => r.file === file).flatMap((r) => metricNamesOf(r.rule.expr)))].filter((n) => n.startsWith(prefix));
}

/** The names a /metrics page exposes. */
function exposed(text: string): Set<string> {
  return new Set(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]!));
}

function psql(pg: PostgresServer, sql: string): void {
  const run = spawnSync(join(pg.binDir, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.url, "-c", sql], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
}

describe("alerts fire from real exporters through a real Prometheus", () => {
  let pg: PostgresServer;
  let exporter: ExporterProcess;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    pg = await startPostgres({ settings: { wal_level: "logical", archive_mode: "on", archive_command: "/bin/false" } });
    const password = randomBytes(16).toString("hex");
    psql(pg, `CREATE ROLE metrics LOGIN PASSWORD '${password}' IN ROLE pg_monitor`);
    psql(pg, `SELECT pg_create_logical_replication_slot('${REALTIME_SLOT}', 'test_decoding')`);
    exporter = await startExporter({
      binary: "prometheus-postgres-exporter",
      debianPackage: "prometheus-postgres-exporter",
      args: (address) => [`--web.listen-address=${address}`, `--extend.query-path=${QUERIES_FILE}`],
      env: { DATA_SOURCE_NAME: `postgresql://metrics:${password}@127.0.0.1:${pg.port}/postgres?sslmode=disable` },
    });
    const rendered = renderPrometheusConfig({
      specs: [],
      addressing: dockerAddressing(),
      env: "test",
      discovery: "static",
      publicUrl: "http://localhost:8000",
      intervals: { scrape: "2s", evaluation: "1s" },
      targets: { postgres: [exporter.address] },
    });
    prometheus = await startPrometheus({
      configYaml: keepScrapeJobs(rendered, ["postgres"]),
      ruleFiles: { "postgres.yml": withFor(readFileSync(POSTGRES_RULES, "utf8"), "1s") },
    });
    await waitForQuery(prometheus, 'pg_up{job="postgres"}', (s) => s[0]?.value === 1);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    await pg?.stop();
  });

  it("runs the custom queries on PostgreSQL 15 as a pg_monitor member, without superuser", async () => {
    const text = await exporter.metrics();
    expect(text).toMatch(/^pg_exporter_user_queries_load_error\{[^}]*\} 0$/m);
    expect(text).toMatch(/^pg_exporter_last_scrape_error 0$/m);
    for (const name of customMetricNames()) expect(text, name).toMatch(new RegExp(`^${name}\\{`, "m"));
    expect(text).toMatch(/^pg_archiver_enabled\{[^}]*\} 1$/m);
    expect(text).toMatch(new RegExp(`^pg_slot_active\\{[^}]*slot_name="${REALTIME_SLOT}",slot_type="logical"\\} 0$`, "m"));
  });

  it("exports every pg_ metric the Postgres rules use, and Prometheus every prometheus_ metric of its own rules", async () => {
    const exporterNames = exposed(await exporter.metrics());
    expect(ruleMetrics("postgres.yml", "pg_").filter((n) => !exporterNames.has(n))).toEqual([]);
    const prometheusNames = exposed(await (await fetch(`${prometheus.url}/metrics`)).text());
    expect(ruleMetrics("self-monitoring.yml", "prometheus_").filter((n) => !prometheusNames.has(n))).toEqual([]);
  });

  it("fires PostgresRealtimeSlotInactive for the unconsumed Realtime slot", async () => {
    const alert = await waitForAlert(prometheus, "PostgresRealtimeSlotInactive", { labels: { slot_name: REALTIME_SLOT } });
    expect(alert.labels).toMatchObject({ severity: "warning", service: "postgres", slot_type: "logical" });
  });

  it("fires PostgresArchiverFailing when archive_command fails", async () => {
    expect(await prometheus.query("ALERTS{alertname=\"PostgresArchiverFailing\"}")).toEqual([]);
    psql(pg, "CREATE TABLE filler AS SELECT generate_series(1, 10000) AS n");
    psql(pg, "SELECT pg_switch_wal()");
    const alert = await waitForAlert(prometheus, "PostgresArchiverFailing");
    expect(alert.labels).toMatchObject({ severity: "critical", service: "postgres", job: "postgres", instance: exporter.address });
  });

  it("fires PostgresDown once the database stops, and not before", async () => {
    expect((await prometheus.alerts()).filter((a) => a.labels["alertname"] === "PostgresDown")).toEqual([]);
    await pg.stop();
    const alert = await waitForAlert(prometheus, "PostgresDown", { timeoutMs: 20_000 });
    expect(alert.labels).toMatchObject({ severity: "critical", service: "postgres", job: "postgres", instance: exporter.address });
    expect(alert.annotations["runbook_url"]).toBe("runbooks/alerts/PostgresDown.md");
  });
});

describe("Redis rules read metrics the real redis_exporter exports", () => {
  let dir: string;
  let redis: RunningProcess;
  let exporter: ExporterProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "redis-metrics-"));
    const port = await freePort();
    redis = startProcess(requireBinary("redis-server", "redis-server"), ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"]);
    exporter = await startExporter({
      binary: "prometheus-redis-exporter",
      debianPackage: "prometheus-redis-exporter",
      args: (address) => ["-web.listen-address", address],
      env: { REDIS_ADDR: `redis://127.0.0.1:${port}` },
    });
  });

  afterAll(async () => {
    await exporter?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports every redis_ metric the Redis rules use", async () => {
    let text = "";
    for (let attempt = 0; attempt < 50 && !/^redis_up 1$/m.test(text); attempt++) {
      text = await exporter.metrics();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toMatch(/^redis_up 1$/m);
    const names = exposed(text);
    expect(ruleMetrics("redis.yml", "redis_").filter((n) => !names.has(n))).toEqual([]);
  });
});
