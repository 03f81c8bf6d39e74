import { dashboard } from "./dashboard.js";
import { APIS, apiErrorRatio, apiLatency, apiRequestRate } from "./kong-queries.js";
import type { Dashboard } from "./model.js";
import { UP_MAPPING, UP_THRESHOLDS, promql, stat, table, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE, SERVICE_VARIABLE } from "./variables.js";

/** Golden signals of every service on one page: health, traffic, errors, latency, saturation, firing alerts. */
export const overview: Dashboard = dashboard({
  uid: "supabase-overview",
  title: "Overview",
  description: "Golden signals per service: up, traffic, errors and latency through the gateway, saturation, firing alerts.",
  tags: ["overview"],
  variables: [ENV_VARIABLE, SERVICE_VARIABLE],
  panels: [
    stat("Service health", "Lowest `up` of each service's scrape job: DOWN when any target fails.", [
      promql('min by (job) (up{env=~"$env", job=~"$service"})', "{{job}}"),
    ], { width: 24, mappings: [UP_MAPPING], thresholds: UP_THRESHOLDS }),
    table("Firing alerts", "Alerts firing now in this environment, by name, service and severity.", [
      promql('count by (alertname, service, severity) (ALERTS{alertstate="firing", env=~"$env"})', "firing"),
    ], { width: 12 }),
    timeseries("Traffic: requests per second by API", "Requests Kong proxied to each API.", APIS.map(apiRequestRate), { unit: "reqps" }),
    timeseries("Errors: 5xx share by API", "Share of each API's requests answered with a 5xx status.", APIS.map(apiErrorRatio), {
      unit: "percentunit",
      min: 0,
      thresholds: warnAt(0.01, 0.05),
    }),
    timeseries("Latency: p95 by API", "95th percentile of the end-to-end request latency Kong measured.", APIS.map((api) => apiLatency(api)), {
      unit: "ms",
      thresholds: warnAt(500, 1000),
    }),
    timeseries("Saturation: pools and limits", "How full each bounded resource is: Postgres connections, the PostgREST pool, Redis memory, Realtime sockets.", [
      promql('sum(pg_stat_activity_count{env=~"$env"}) / max(pg_settings_max_connections{env=~"$env"})', "postgres connections"),
      promql('1 - sum(pgrst_db_pool_available{env=~"$env"}) / sum(pgrst_db_pool_max{env=~"$env"})', "rest db pool"),
      promql('max(redis_memory_used_bytes{env=~"$env"} / (redis_memory_max_bytes{env=~"$env"} > 0))', "redis memory"),
      promql('sum(phoenix_connections_total{env=~"$env"}) / sum(phoenix_connections_max{env=~"$env"})', "realtime sockets"),
    ], { unit: "percentunit", min: 0, max: 1, thresholds: warnAt(0.8, 0.9) }),
    timeseries("Saturation: hosts", "CPU busy share and memory in use per node_exporter instance.", [
      promql('1 - avg by (instance) (rate(node_cpu_seconds_total{env=~"$env", mode="idle"}[$__rate_interval]))', "cpu {{instance}}"),
      promql('1 - sum by (instance) (node_memory_MemAvailable_bytes{env=~"$env"}) / sum by (instance) (node_memory_MemTotal_bytes{env=~"$env"})', "memory {{instance}}"),
    ], { unit: "percentunit", min: 0, max: 1, thresholds: warnAt(0.8, 0.9) }),
    timeseries("Process CPU by scrape job", "CPU seconds per second of each job's metrics endpoint process (exporters report their own process, not the server's).", [
      promql('sum by (job) (rate(process_cpu_seconds_total{env=~"$env", job=~"$service"}[$__rate_interval]))', "{{job}}"),
    ], { unit: "short" }),
  ],
});
