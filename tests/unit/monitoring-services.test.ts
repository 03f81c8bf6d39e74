import { describe, expect, it } from "vitest";
import { MONITORING_COMPONENTS, SERVICE_NAMES, parseConfig, type StackConfig } from "../../stacks/config.js";
import type { Addressing, ServiceSpec } from "../../stacks/model.js";
import { BLACKBOX_EXPORTER, INFRASTRUCTURE_JOBS } from "../../stacks/monitoring/infrastructure-jobs.js";
import { stackPrometheusConfig } from "../../stacks/monitoring/stack-prometheus.js";
import { planServices, planStack, planTasks } from "../../stacks/services/index.js";
import { retentionSize } from "../../stacks/services/monitoring/prometheus.js";
import { holdsSecret, render, secretsOf } from "../../stacks/template.js";
import { KUBERNETES_BACKUP } from "../support/backup-fixture.js";

const kubernetes = (extra: Record<string, unknown> = {}): StackConfig =>
  parseConfig({ platform: "kubernetes", publicUrl: "https://api.example.com", ingress: { tlsIssuer: "letsencrypt" }, backup: KUBERNETES_BACKUP, ...extra }, "prod");
const docker = (extra: Record<string, unknown> = {}): StackConfig => parseConfig({ platform: "docker", ...extra }, "dev");
const clusterDns: Addressing = { address: (host) => `${host}.supabase.svc.cluster.local` };
const networkAlias: Addressing = { address: (host) => host };

const CASES = [
  { label: "kubernetes", config: kubernetes(), addressing: clusterDns },
  { label: "docker", config: docker(), addressing: networkAlias },
] as const;

function byName(specs: readonly ServiceSpec[], name: ServiceSpec["name"]): ServiceSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`no spec named ${name}`);
  return spec;
}

describe.each(CASES)("planStack ($label)", ({ config, addressing }) => {
  const specs = planStack(config, addressing);
  const monitoring = specs.filter((s) => (MONITORING_COMPONENTS as readonly string[]).includes(s.name));

  it("plans the core services first, then every monitoring component, each after its dependencies", () => {
    expect(specs.map((s) => s.name)).toEqual([...planServices(config, addressing).map((s) => s.name), ...MONITORING_COMPONENTS]);
    specs.forEach((spec, i) => {
      for (const dep of spec.dependsOn) expect(specs.slice(0, i).map((s) => s.name), `${spec.name} depends on ${dep}`).toContain(dep);
    });
  });

  it("runs each component at the host and port its fixed scrape job targets", () => {
    const jobs = [...Object.values(INFRASTRUCTURE_JOBS), BLACKBOX_EXPORTER];
    for (const job of jobs) {
      const spec = monitoring.find((s) => s.host === job.host);
      expect(spec, job.host).toBeDefined();
      expect(spec!.ports.map((p) => p.port), job.host).toContain(job.port);
    }
    expect(monitoring.map((s) => s.host).sort()).toEqual(jobs.map((j) => j.host).sort());
  });

  it("adds no scrape job of its own, so the mounted Prometheus config is the one the core services give", () => {
    for (const spec of monitoring) expect(spec.metrics, spec.name).toBeUndefined();
    expect(stackPrometheusConfig(config, specs, addressing)).toBe(stackPrometheusConfig(config, planServices(config, addressing), addressing));
  });

  it("pins images, takes resources from config and keeps the core services' single public port", () => {
    for (const spec of monitoring) {
      expect(spec.image, spec.name).toMatch(/^[a-z0-9./_-]+:[\w.-]+$/);
      expect(spec.image, spec.name).not.toMatch(/:latest$/);
      expect(spec.resources).toEqual(config.resources[spec.name]);
      expect(spec.logLabels).toEqual({ service: spec.name, env: config.env });
      expect(spec.replicas).toBe(1);
      expect(spec.ports.some((p) => p.public), spec.name).toBe(false);
    }
    expect(specs.filter((s) => s.ports.some((p) => p.loopbackPort !== undefined)).map((s) => s.name)).toEqual(["grafana"]);
    expect(byName(specs, "grafana").ports[0]?.loopbackPort).toBe(config.monitoring.grafanaPort);
  });

  it("keeps state on volumes sized from config, and runs node_exporter once per node", () => {
    const stateful = monitoring.filter((s) => s.kind === "stateful").map((s) => s.name);
    expect(stateful).toEqual(["prometheus", "alertmanager", "grafana", "loki", "pushgateway"]);
    for (const name of ["prometheus", "alertmanager", "grafana", "loki", "pushgateway"] as const) {
      expect(byName(specs, name).volumes.map((v) => v.size), name).toEqual([config.monitoring.storage[name].size]);
    }
    expect(monitoring.filter((s) => s.kind === "per-node").map((s) => s.name)).toEqual(["node-exporter"]);
  });

  it("delivers every credential as a secret reference: database URL, Redis password, secret files", () => {
    const exporter = byName(specs, "postgres-exporter");
    expect(secretsOf(exporter.env["DATA_SOURCE_NAME"]!)).toEqual(["monitorPassword"]);
    expect(render(exporter.env["DATA_SOURCE_NAME"]!, (n) => `<${n}>`)).toBe(
      `postgres://supabase_monitor:<monitorPassword>@${addressing.address("db")}:5432/postgres?sslmode=disable`,
    );
    expect(secretsOf(byName(specs, "redis-exporter").env["REDIS_PASSWORD"]!)).toEqual(["redisPassword"]);
    const secretFiles = monitoring.flatMap((s) => s.files.filter((f) => holdsSecret(f.content)).map((f) => `${s.name}:${f.mountPath}`));
    expect(secretFiles.sort()).toEqual([
      "alertmanager:/etc/alertmanager/secrets/heartbeat-token",
      "alertmanager:/etc/alertmanager/secrets/pagerduty-routing-key",
      "alertmanager:/etc/alertmanager/secrets/slack-webhook-url",
      "grafana:/run/secrets/grafana/admin-password",
      "grafana:/run/secrets/grafana/secret-key",
      "prometheus:/etc/prometheus/secrets/realtimeMetricsToken",
    ]);
    const generated = monitoring.flatMap((s) => s.files.filter((f) => !holdsSecret(f.content) && f.source === undefined).map((f) => f.mountPath));
    expect(generated).toEqual(["/etc/prometheus/prometheus.yml", "/etc/prometheus/rules/realtime-limits.generated.yml"]);
  });

  it("lets only Alloy collect logs, with the platform's own config", () => {
    expect(specs.filter((s) => s.logCollector).map((s) => s.name)).toEqual(["alloy"]);
    const alloy = byName(specs, "alloy");
    expect(alloy.files.map((f) => f.source)).toEqual([`monitoring/alloy/${config.platform}.alloy`]);
    expect(alloy.env["LOKI_PUSH_URL"]).toBe(`http://${addressing.address("loki")}:3100/loki/api/v1/push`);
    expect("DOCKER_HOST_NAME" in alloy.env).toBe(config.platform === "docker");
  });

  it("runs the database bootstrap before postgres_exporter, whose role it creates", () => {
    const [bootstrap] = planTasks(config, addressing);
    expect(bootstrap?.before).toEqual(["auth", "rest", "realtime", "postgres-exporter"]);
    expect(secretsOf(bootstrap!.env["PGOPTIONS"]!)).toContain("monitorPassword");
    expect(bootstrap!.files.map((f) => f.name)).toContain("70-monitoring-role.sql");
  });
});

describe("monitoring config", () => {
  it("plans only the core services when monitoring is disabled", () => {
    const config = docker({ monitoring: { enabled: false } });
    expect(planStack(config, networkAlias).map((s) => s.name)).toEqual([...planServices(config, networkAlias).map((s) => s.name)]);
    expect(new Set(planStack(config, networkAlias).map((s) => s.name))).toEqual(new Set(SERVICE_NAMES));
    expect(planTasks(config, networkAlias)[0]?.before).toEqual(["auth", "rest", "realtime"]);
  });

  it("keeps Prometheus's TSDB within its volume: retention by time from config, by size from the volume", () => {
    const prometheus = byName(planStack(kubernetes({ monitoring: { retention: "30d", storage: { prometheus: { size: "50Gi" } } } }), clusterDns), "prometheus");
    expect(prometheus.args).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=40960MB"]));
    expect(retentionSize("10Gi")).toBe("8192MB");
    expect(retentionSize("512Mi")).toBe("409MB");
  });

  it("runs Loki on its volume by default, and on the configured object store with credentials as secrets", () => {
    const onVolume = byName(planStack(kubernetes(), clusterDns), "loki");
    expect(onVolume.files[0]).toMatchObject({ mountPath: "/etc/loki/loki.yml", source: "monitoring/loki/loki.yml" });
    expect(onVolume.env).toEqual({});
    const store = { endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", bucket: "supabase-logs" };
    const config = parseConfig(
      { platform: "kubernetes", publicUrl: "https://api.example.com", ingress: { tlsIssuer: "letsencrypt" }, backup: KUBERNETES_BACKUP, monitoring: { lokiObjectStore: store } },
      "prod",
      new Set(["lokiS3AccessKeyId", "lokiS3SecretAccessKey"]),
    );
    const onS3 = byName(planStack(config, clusterDns), "loki");
    expect(onS3.files[0]).toMatchObject({ mountPath: "/etc/loki/loki.yml", source: "monitoring/loki/loki.object-store.yml" });
    expect(onS3.args).toContain("-config.expand-env=true");
    expect(onS3.env).toMatchObject({ LOKI_S3_ENDPOINT: store.endpoint, LOKI_S3_REGION: store.region, LOKI_S3_BUCKET: store.bucket });
    expect(secretsOf(onS3.env["LOKI_S3_ACCESS_KEY_ID"]!)).toEqual(["lokiS3AccessKeyId"]);
    expect(secretsOf(onS3.env["LOKI_S3_SECRET_ACCESS_KEY"]!)).toEqual(["lokiS3SecretAccessKey"]);
    expect(() => kubernetes({ monitoring: { lokiObjectStore: store } })).toThrow(/supabase:lokiS3AccessKeyId: got nothing; expected the credential of Loki's object store/);
  });

  it("points Grafana's root URL at the loopback port operators open", () => {
    const grafana = byName(planStack(docker({ monitoring: { grafanaPort: 3333 } }), networkAlias), "grafana");
    expect(grafana.env["GF_SERVER_ROOT_URL"]).toBe("http://localhost:3333");
    expect(grafana.ports).toEqual([{ name: "http", port: 3000, loopbackPort: 3333 }]);
  });
});
