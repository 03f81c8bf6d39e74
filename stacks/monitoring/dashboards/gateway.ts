import { dashboard } from "./dashboard.js";
import type { Dashboard } from "./model.js";
import { promql, stat, table, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const requests = (extra = "") => `kong_http_requests_total{env=~"$env"${extra}}`;
const latency = (metric: string, quantile: number, by = "") =>
  `histogram_quantile(${quantile}, sum by (le${by}) (rate(${metric}{env=~"$env"}[$__rate_interval])))`;

/** Kong 3.x as the API gateway: traffic, status codes, latency split, bandwidth, connections, upstream health. */
export const gateway: Dashboard = dashboard({
  uid: "supabase-gateway",
  title: "Gateway / API",
  description: "Kong's prometheus plugin (Kong 3.x metric names): every request to auth, rest, graphql and realtime passes here.",
  tags: ["kong"],
  variables: [ENV_VARIABLE],
  panels: [
    stat("Requests per second", "All requests Kong proxied.", [promql(`sum(rate(${requests()}[$__rate_interval]))`)], { unit: "reqps" }),
    stat("5xx share", "Requests answered with a 5xx status.", [
      promql(`sum(rate(${requests(', code=~"5.."')}[$__rate_interval])) / sum(rate(${requests()}[$__rate_interval]))`),
    ], { unit: "percentunit", thresholds: warnAt(0.01, 0.05) }),
    stat("p95 latency", "End-to-end request latency.", [promql(latency("kong_request_latency_ms_bucket", 0.95))], {
      unit: "ms",
      thresholds: warnAt(500, 1000),
    }),
    stat("Unhealthy upstream targets", "Upstream targets whose health state is unhealthy or dns_error.", [
      promql('count(kong_upstream_target_health{env=~"$env", state=~"unhealthy|dns_error"} == 1) or vector(0)'),
    ], { thresholds: warnAt(1, 1) }),
    timeseries("Requests per second by route", "Traffic per Kong route.", [
      promql(`sum by (route) (rate(${requests()}[$__rate_interval]))`, "{{route}}"),
    ], { unit: "reqps" }),
    timeseries("Responses by status class", "Requests per second by HTTP status class.", ["2", "3", "4", "5"].map((c) =>
      promql(`sum(rate(${requests(`, code=~"${c}.."`)}[$__rate_interval]))`, `${c}xx`),
    ), { unit: "reqps" }),
    timeseries("5xx per second by route", "Which route fails.", [
      promql(`sum by (route) (rate(${requests(', code=~"5.."')}[$__rate_interval]))`, "{{route}}"),
    ], { unit: "reqps" }),
    timeseries("Request latency percentiles", "End-to-end latency: Kong plus upstream.", [0.5, 0.95, 0.99].map((q) =>
      promql(latency("kong_request_latency_ms_bucket", q), `p${q * 100}`),
    ), { unit: "ms" }),
    timeseries("Upstream latency p95 by route", "Time the upstream service took: high here and not in Kong latency means the service is slow.", [
      promql(latency("kong_upstream_latency_ms_bucket", 0.95, ", route"), "{{route}}"),
    ], { unit: "ms" }),
    timeseries("Kong processing latency p95", "Time spent in Kong itself (plugins, routing).", [
      promql(latency("kong_kong_latency_ms_bucket", 0.95)),
    ], { unit: "ms" }),
    timeseries("Bandwidth", "Bytes per second in and out of the gateway.", [
      promql('sum by (direction) (rate(kong_bandwidth_bytes{env=~"$env"}[$__rate_interval]))', "{{direction}}"),
    ], { unit: "Bps" }),
    timeseries("Connections by state", "nginx connections: active, reading, writing, waiting (websockets stay active).", [
      promql('sum by (state) (kong_nginx_connections_total{env=~"$env", state=~"active|reading|writing|waiting"})', "{{state}}"),
    ]),
    timeseries("Lua shared dict use", "Share of each shared dictionary in use; a full dict drops cached data.", [
      promql('max by (shared_dict) (kong_memory_lua_shared_dict_bytes{env=~"$env"} / kong_memory_lua_shared_dict_total_bytes{env=~"$env"})', "{{shared_dict}}"),
    ], { unit: "percentunit", min: 0, max: 1, thresholds: warnAt(0.8, 0.9) }),
    table("Upstream target health", "The current health state of every upstream target.", [
      promql('max by (upstream, target, state) (kong_upstream_target_health{env=~"$env"}) == 1', "current"),
    ]),
  ],
});
