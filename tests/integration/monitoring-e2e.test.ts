import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerAddressing } from "../../stacks/platforms/docker/addressing.js";
import { renderPrometheusConfig } from "../../stacks/monitoring/scrape-config.js";
import { BACKUP_JOB, BACKUP_MAX_AGE_HOURS } from "../../stacks/monitoring/backup-metrics.js";
import type { InfrastructureJobName } from "../../stacks/monitoring/infrastructure-jobs.js";
import { metricsTargetFromEnv, pushBackupRun } from "../../scripts/backup/metrics.js";
import { freePort } from "../../scripts/lib/free-port.js";
import {
  getAlerts,
  pollUntil,
  shortenRouteTimers,
  stageConfig,
  startAlertmanager,
  startReceiverEndpoints,
  type AlertmanagerServer,
  type ApiAlert,
  type Delivery,
  type ReceiverEndpoints,
} from "../support/alertmanager.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import {
  keepScrapeJobs,
  PROMETHEUS_DIR,
  startExporter,
  startPrometheus,
  waitForAlert,
  waitForQuery,
  withFor,
  yamlFiles,
  type ExporterProcess,
  type PrometheusServer,
} from "../support/prometheus.js";
import { startPushgateway, type PushgatewayServer } from "../support/pushgateway.js";
import { startRedis, type RedisServer } from "../support/redis.js";

const ENV = "e2e";
const JOBS = ["alertmanager", "postgres", "prometheus", "pushgateway", "redis"] as const satisfies readonly InfrastructureJobName[];
const ROUTING_KEY = "e2e-routing-key";
const HEARTBEAT_TOKEN = "e2e-heartbeat-token";
const SERIES_BUDGET = 20_000;
const WAIT_MS = 20_000;

/** Every committed rule file, RedisDown waiting 1s instead of its own `for`. */
function ruleFiles(): Record<string, string> {
  return Object.fromEntries(yamlFiles("rules").map((f) => [f, withFor(readFileSync(join(PROMETHEUS_DIR, "rules", f), "utf8"), "1s", ["RedisDown"])]));
}

const named = (alertname: string) => (a: ApiAlert) => a.labels["alertname"] === alertname;

describe("Prometheus, Alertmanager, Pushgateway and exporters with the committed rules and routing", { timeout: 90_000 }, () => {
  let receivers: ReceiverEndpoints;
  let am: AlertmanagerServer;
  let pg: PostgresServer;
  let redis: RedisServer;
  let pgExporter: ExporterProcess;
  let redisExporter: ExporterProcess;
  let gateway: PushgatewayServer;
  let prometheus: PrometheusServer;

  const delivered = (what: string, match: (d: Delivery) => boolean): Promise<Delivery> =>
    pollUntil(what, async () => receivers.deliveries.find(match), WAIT_MS, () => `deliveries: ${JSON.stringify(receivers.deliveries.map((d) => d.path))}\n${am.log().slice(-2000)}`);

  const activeInAlertmanager = (alertname: string): Promise<ApiAlert> =>
    pollUntil(`${alertname} active in Alertmanager`, async () => (await getAlerts(am)).find((a) => named(alertname)(a) && a.status?.state === "active"), WAIT_MS, () => am.log().slice(-2000));

  beforeAll(async () => {
    receivers = await startReceiverEndpoints();
    am = await startAlertmanager(
      stageConfig({
        secrets: { "slack-webhook-url": `${receivers.url}/slack`, "pagerduty-routing-key": ROUTING_KEY, "heartbeat-token": HEARTBEAT_TOKEN },
        edit: (config) => {
          config["global"].pagerduty_url = `${receivers.url}/pagerduty`;
          config["receivers"].find((r: { name: string }) => r.name === "heartbeat").webhook_configs[0].url = `${receivers.url}/heartbeat`;
          shortenRouteTimers(config["route"], "1s", "2s");
        },
      }),
    );
    pg = await startPostgres();
    redis = await startRedis(false);
    pgExporter = await startExporter({
      binary: "prometheus-postgres-exporter",
      debianPackage: "prometheus-postgres-exporter",
      args: (address) => [`--web.listen-address=${address}`, `--extend.query-path=${join(PROMETHEUS_DIR, "exporters", "postgres-queries.yml")}`],
      env: { DATA_SOURCE_NAME: `${pg.url}?sslmode=disable` },
    });
    redisExporter = await startExporter({
      binary: "prometheus-redis-exporter",
      debianPackage: "prometheus-redis-exporter",
      args: (address) => ["-web.listen-address", address],
      env: { REDIS_ADDR: `redis://127.0.0.1:${redis.port}`, REDIS_PASSWORD: redis.password },
    });
    gateway = await startPushgateway();
    const port = await freePort();
    const rendered = renderPrometheusConfig({
      specs: [],
      addressing: dockerAddressing(),
      env: ENV,
      discovery: "static",
      publicUrl: "http://localhost:8000",
      intervals: { scrape: "1s", evaluation: "1s" },
      targets: {
        alertmanager: [new URL(am.url).host],
        postgres: [pgExporter.address],
        prometheus: [`127.0.0.1:${port}`],
        pushgateway: [new URL(gateway.url).host],
        redis: [redisExporter.address],
      },
    });
    prometheus = await startPrometheus({ configYaml: keepScrapeJobs(rendered, JOBS), ruleFiles: ruleFiles(), port, flags: ["--rules.alert.resend-delay=1s"] });
  });

  afterAll(async () => {
    await Promise.allSettled([prometheus?.stop(), gateway?.stop(), redisExporter?.stop(), pgExporter?.stop(), am?.stop(), receivers?.close()]);
    await Promise.allSettled([redis?.stop(), pg?.stop()]);
  });

  it("scrapes every target of the config, each one up", async () => {
    const up = await waitForQuery(prometheus, "up", (s) => s.length === JOBS.length && s.every((x) => x.value === 1), WAIT_MS);
    expect(up.map((s) => s.metric["job"]).sort()).toEqual([...JOBS]);
    expect((await prometheus.query('pg_up{job="postgres"}'))[0]?.value).toBe(1);
    expect((await prometheus.query('redis_up{job="redis"}'))[0]?.value).toBe(1);
    await waitForQuery(prometheus, 'prometheus_notifications_alertmanagers_discovered{job="prometheus"}', (s) => s[0]?.value === 1, WAIT_MS);
  });

  it("delivers the Watchdog through Alertmanager to the heartbeat receiver only", async () => {
    const beat = await delivered("the Watchdog heartbeat", (d) => d.path === "/heartbeat");
    expect(beat.authorization).toBe(`Bearer ${HEARTBEAT_TOKEN}`);
    expect(beat.body.alerts.map((a: ApiAlert) => a.labels)).toEqual([expect.objectContaining({ alertname: "Watchdog", env: ENV })]);
    expect((await activeInAlertmanager("Watchdog")).receivers?.map((r) => r.name)).toEqual(["heartbeat"]);
  });

  it("routes RedisDown to pager and chat while Redis is stopped, and resolves it once Redis is back", async () => {
    expect((await prometheus.alerts()).filter(named("RedisDown"))).toEqual([]);
    await redis.shutdown();
    const firing = await waitForAlert(prometheus, "RedisDown", { timeoutMs: WAIT_MS });
    expect(firing.labels).toMatchObject({ severity: "critical", service: "redis", job: "redis", instance: redisExporter.address });

    const routed = await activeInAlertmanager("RedisDown");
    expect(routed.labels).toMatchObject({ env: ENV, severity: "critical" });
    expect(routed.receivers?.map((r) => r.name).sort()).toEqual(["chat", "pager"]);
    const title = `RedisDown · redis · ${ENV}`;
    const page = await delivered("the RedisDown page", (d) => d.path === "/pagerduty" && d.body.payload?.summary === `[FIRING:1] ${title}`);
    expect(page.body).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger", payload: { severity: "critical" } });
    await delivered("the RedisDown chat message", (d) => d.path === "/slack" && d.body.attachments?.[0]?.title === `[FIRING:1] ${title}`);

    await redis.start(false);
    await pollUntil("RedisDown to leave Prometheus' alerts", async () => ((await prometheus.alerts()).some(named("RedisDown")) ? undefined : true), WAIT_MS);
    await pollUntil("RedisDown to leave Alertmanager's active alerts", async () => ((await getAlerts(am)).some(named("RedisDown")) ? undefined : true), WAIT_MS);
    await delivered("the RedisDown page resolution", (d) => d.path === "/pagerduty" && d.body.event_action === "resolve" && d.body.dedup_key === page.body.dedup_key);
    await delivered("the RedisDown chat resolution", (d) => d.path === "/slack" && d.body.attachments?.[0]?.title === `[RESOLVED] ${title}`);
  });

  it("fires BackupTooOld for a physical backup pushed older than its threshold, and not for a fresh one", async () => {
    const target = metricsTargetFromEnv({ PUSHGATEWAY_URL: gateway.url, BACKUP_ENV: ENV })!;
    const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3_600_000);
    await pushBackupRun(target, { kind: "logical", finishedAt: hoursAgo(1), durationSeconds: 60, sizeBytes: 1024, success: true });
    await pushBackupRun(target, { kind: "physical", finishedAt: hoursAgo(BACKUP_MAX_AGE_HOURS.physical + 4), durationSeconds: 60, sizeBytes: 1024, success: true });
    const alert = await waitForAlert(prometheus, "BackupTooOld", { labels: { kind: "physical" }, timeoutMs: WAIT_MS });
    expect(alert.labels).toMatchObject({ severity: "critical", service: "backup", job: BACKUP_JOB, env: ENV });
    expect((await prometheus.alerts()).filter((a) => named("BackupTooOld")(a) && a.labels["kind"] !== "physical")).toEqual([]);
    expect((await activeInAlertmanager("BackupTooOld")).receivers?.map((r) => r.name).sort()).toEqual(["chat", "pager"]);
  });

  it(`keeps the active series of the scrape within ${SERIES_BUDGET}`, async () => {
    const [total] = await prometheus.query('count({__name__=~".+"})');
    const byJob = await prometheus.query('count by (job) ({__name__=~".+"})');
    const [head] = await prometheus.query("prometheus_tsdb_head_series");
    console.info(`active series: ${total?.value} (head ${head?.value}); by job: ${byJob.map((s) => `${s.metric["job"] ?? "(rules)"}=${s.value}`).join(", ")}`);
    expect(total?.value).toBeGreaterThan(0);
    expect(total?.value).toBeLessThanOrEqual(SERIES_BUDGET);
  });
});
