import type { ComponentName } from "./config.js";

/**
 * Every image the stacks deploy, pinned to an exact version.
 * The test suite exercises PostgreSQL 15 and Redis 7.0 (Debian builds); the images below stay on those majors.
 * Monitoring configs are checked with the suite's Debian builds: Prometheus rules and every dashboard query with
 * promtool 2.42, the Alertmanager config and routes with amtool/Alertmanager 0.25 (so receiver secrets use only the
 * `*_file` fields 0.25 knows); dashboards use Grafana 12's schemaVersion 41; Loki configs target schema v13 (tsdb).
 * The deployed monitoring images are newer builds of the same configs: Prometheus 3.5 LTS, Alertmanager 0.28, Grafana
 * 12.2, Loki 3.5, postgres_exporter 0.18 (the custom queries avoid the 0.20 renames), redis_exporter's Alpine build
 * (the default one is FROM scratch, without a shell for health checks).
 */
export const IMAGES: Readonly<Record<ComponentName, string>> = {
  kong: "kong/kong:3.9.1",
  auth: "supabase/gotrue:v2.186.0",
  rest: "postgrest/postgrest:v14.5",
  realtime: "supabase/realtime:v2.78.15",
  postgres: "supabase/postgres:15.8.1.085",
  redis: "redis:7.4.2",
  prometheus: "prom/prometheus:v3.5.0",
  alertmanager: "prom/alertmanager:v0.28.1",
  grafana: "grafana/grafana:12.2.0",
  loki: "grafana/loki:3.5.0",
  alloy: "grafana/alloy:v1.15.1",
  pushgateway: "prom/pushgateway:v1.11.0",
  "postgres-exporter": "prometheuscommunity/postgres-exporter:v0.18.1",
  "redis-exporter": "oliver006/redis_exporter:v1.67.0-alpine",
  "blackbox-exporter": "prom/blackbox-exporter:v0.25.0",
  "node-exporter": "prom/node-exporter:v1.9.1",
};

/** The image for a component, honouring a per-stack override. */
export function imageFor(name: ComponentName, overrides: Partial<Record<ComponentName, string>>): string {
  return overrides[name] ?? IMAGES[name];
}

/** The k6 runner of distributed release runs: k6 1.x with the stable k6/websockets module and remote write. */
export const K6_RUNNER_IMAGE = "grafana/k6:1.7.1";
