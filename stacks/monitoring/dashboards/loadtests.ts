import { dashboard } from "./dashboard.js";
import { apiErrorRatio } from "./kong-queries.js";
import type { Dashboard } from "./model.js";
import { promql, stat, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE, TESTID_VARIABLE } from "./variables.js";

/** A k6 series of the selected runs (k6 runs are tagged testid, see scripts/loadtest and stacks/loadtest). */
const k6 = (metric: string, extra = "") => `${metric}{testid=~"$testid"${extra}}`;
const grouped = (by: string) => (by ? ` by (${by})` : "");
const k6Rate = (metric: string, by = "", extra = "") => `sum${grouped(by)} (rate(${k6(metric, extra)}[$__rate_interval]))`;

/**
 * A quantile of a k6 trend: from the native histogram `k6_<trend>_seconds` (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM,
 * the TestRun default), else from the `k6_<trend>_p<N>` gauge that K6_PROMETHEUS_RW_TREND_STATS produces.
 */
const trendQuantile = (trend: string, quantile: 0.95 | 0.99, by = "", extra = "") =>
  `histogram_quantile(${quantile}, sum${grouped(by)} (rate(${k6(`k6_${trend}_seconds`, extra)}[$__rate_interval])))` +
  ` or max${grouped(by)} (${k6(`k6_${trend}_p${quantile * 100}`, extra)})`;

/** k6 runs (experimental-prometheus-rw output) by testid, beside what the stack itself reported meanwhile. */
export const loadtests: Dashboard = dashboard({
  uid: "supabase-loadtests",
  title: "Load tests",
  description: "k6 client-side metrics by testid (k6_vus, k6_http_req_duration_*, k6_ws_*, k6_rt_*, k6_checks_rate …) next to the stack's own signals.",
  tags: ["k6", "loadtest"],
  variables: [ENV_VARIABLE, TESTID_VARIABLE],
  from: "now-1h",
  panels: [
    stat("Virtual users", "VUs running now.", [promql(`sum(${k6("k6_vus")})`)]),
    stat("Checks passing", "Share of k6 checks that passed.", [promql(`avg(${k6("k6_checks_rate")})`)], {
      unit: "percentunit",
      thresholds: [{ color: "red", value: null }, { color: "orange", value: 0.99 }, { color: "green", value: 0.999 }],
    }),
    stat("Broadcast p95", "Publisher-to-subscriber latency of Realtime broadcasts (one clock).", [
      promql(trendQuantile("rt_latency", 0.95, "", ', kind="broadcast"')),
    ], { unit: "s", thresholds: warnAt(0.08, 0.1) }),
    stat("Messages lost", "Share of expected broadcast deliveries that never arrived.", [
      promql(`sum(${k6("k6_rt_lost_total")}) / (sum(${k6("k6_rt_lost_total")}) + sum(${k6("k6_rt_received_total")}))`),
    ], { unit: "percentunit", thresholds: warnAt(0.0001, 0.001) }),
    timeseries("Virtual users", "Running VUs against their maximum.", [
      promql(`sum(${k6("k6_vus")})`, "vus"),
      promql(`sum(${k6("k6_vus_max")})`, "vus max"),
    ]),
    timeseries("HTTP requests per second by API", "Requests k6 sent, by the api tag.", [promql(k6Rate("k6_http_reqs_total", "api"), "{{api}}")], {
      unit: "reqps",
    }),
    timeseries("HTTP request duration p95 by API", "95th percentile of request duration.", [
      promql(trendQuantile("http_req_duration", 0.95, "api"), "{{api}}"),
    ], { unit: "s" }),
    timeseries("HTTP unexpected responses by API", "Share of requests whose status k6 did not expect.", [
      promql(`${k6Rate("k6_http_reqs_total", "api", ', expected_response="false"')} / ${k6Rate("k6_http_reqs_total", "api")}`, "{{api}}"),
    ], { unit: "percentunit", min: 0 }),
    timeseries("Realtime latency by kind", "p95 and p99 of broadcast, ack and heartbeat latency.", [
      promql(trendQuantile("rt_latency", 0.95, "kind"), "p95 {{kind}}"),
      promql(trendQuantile("rt_latency", 0.99, "kind"), "p99 {{kind}}"),
    ], { unit: "s", thresholds: warnAt(0.08, 0.1) }),
    timeseries("Channel joins by outcome", "phx_join replies per second, ok or error.", [promql(k6Rate("k6_rt_joins_total", "outcome"), "{{outcome}}")], {
      unit: "ops",
    }),
    timeseries("Broadcasts", "Published, delivered and lost broadcasts per second.", [
      promql(k6Rate("k6_rt_sent_total"), "sent"),
      promql(k6Rate("k6_rt_received_total"), "received"),
      promql(k6Rate("k6_rt_lost_total"), "lost"),
    ], { unit: "ops" }),
    timeseries("WebSocket connect p95 and errors", "Time to open a socket, and client-side failures by reason.", [
      promql(trendQuantile("ws_connecting", 0.95), "connect p95 (s)"),
      promql(k6Rate("k6_rt_errors_total", "reason"), "errors/s {{reason}}"),
    ]),
    timeseries("Server: gateway 5xx share", "What the stack answered during the run.", [apiErrorRatio("rest"), apiErrorRatio("auth"), apiErrorRatio("realtime")], {
      unit: "percentunit",
    }),
    timeseries("Server: open Realtime sockets", "Sockets Realtime holds, against its listener limit.", [
      promql('sum(phoenix_connections_total{env=~"$env"})', "open"),
      promql('sum(phoenix_connections_max{env=~"$env"})', "limit"),
    ]),
  ],
});
