import { dashboard } from "./dashboard.js";
import { apiRequestRate } from "./kong-queries.js";
import type { Dashboard } from "./model.js";
import { promql, stat, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const rate = (metric: string, extra = "") => `sum(rate(${metric}{env=~"$env"${extra}}[$__rate_interval]))`;
const p95 = (bucket: string) => `histogram_quantile(0.95, sum by (le) (rate(${bucket}{env=~"$env"}[$__rate_interval])))`;

/** Realtime's websockets: sockets against the listener limit, joins, message rates by kind, latency, BEAM health. */
export const realtime: Dashboard = dashboard({
  uid: "supabase-realtime",
  title: "Realtime / WebSockets",
  description: "Realtime's PromEx metrics (phoenix_*, realtime_*, beam_*) and the gateway's websocket route.",
  tags: ["realtime", "websockets"],
  variables: [ENV_VARIABLE],
  panels: [
    stat("Open sockets", "Connections open on the Ranch listener, all nodes.", [promql('sum(phoenix_connections_total{env=~"$env"})')]),
    stat("Listener saturation", "Open connections over the listener limit.", [
      promql('sum(phoenix_connections_total{env=~"$env"}) / sum(phoenix_connections_max{env=~"$env"})'),
    ], { unit: "percentunit", thresholds: warnAt(0.7, 0.9) }),
    stat("Clients with a channel", "Connections that joined at least one channel.", [promql('sum(realtime_connections_connected{env=~"$env"})')]),
    stat("Join errors per second", "Channel joins answered with an error.", [promql(rate("phoenix_channel_joined_total", ', result="error"'))], {
      unit: "ops",
      thresholds: warnAt(0.1, 1),
    }),
    timeseries("Sockets", "Open and actively processing connections.", [
      promql('sum(phoenix_connections_total{env=~"$env"})', "open"),
      promql('sum(phoenix_connections_active{env=~"$env"})', "active"),
      promql('sum(phoenix_connections_max{env=~"$env"})', "limit"),
    ]),
    timeseries("Channel joins per second", "Join attempts by result.", [
      promql('sum by (result) (rate(phoenix_channel_joined_total{env=~"$env"}[$__rate_interval]))', "{{result}}"),
    ], { unit: "ops" }),
    timeseries("Messages per second by kind", "Broadcast, presence and Postgres Changes events.", [
      promql(rate("realtime_channel_events"), "broadcast"),
      promql(rate("realtime_channel_presence_events"), "presence"),
      promql(rate("realtime_channel_db_events"), "postgres changes"),
    ], { unit: "ops" }),
    timeseries("Channel errors per second", "Unhandled channel errors; any is worth a look.", [promql(rate("realtime_channel_error"), "errors")], {
      unit: "ops",
    }),
    timeseries("Traffic", "Bytes per second clients sent and received.", [
      promql(rate("realtime_channel_input_bytes"), "in"),
      promql(rate("realtime_channel_output_bytes"), "out"),
    ], { unit: "Bps" }),
    timeseries("Message handling p95", "Time to handle a channel message.", [
      promql(p95("phoenix_channel_handled_in_duration_milliseconds_bucket"), "p95"),
    ], { unit: "ms", thresholds: warnAt(50, 100) }),
    timeseries("Broadcast from database p95", "Commit-to-broadcast latency of realtime.broadcast_changes.", [
      promql(p95("realtime_tenants_broadcast_from_database_latency_committed_at_bucket"), "p95"),
    ], { unit: "ms", thresholds: warnAt(100, 250) }),
    timeseries("Websocket upgrades through the gateway", "Requests per second on Kong's realtime routes.", [apiRequestRate("realtime")], {
      unit: "reqps",
    }),
    timeseries("BEAM memory", "Memory the Erlang VM allocated; steady growth suggests a leak.", [
      promql('sum(beam_memory_allocated_bytes{env=~"$env"})', "allocated bytes"),
    ], { unit: "bytes" }),
    timeseries("Node CPU and RAM", "osmon utilisation per Realtime node, in percent.", [
      promql('max(osmon_cpu_util{env=~"$env"})', "cpu"),
      promql('max(osmon_ram_usage{env=~"$env"})', "ram"),
    ], { unit: "percent", max: 100, thresholds: warnAt(70, 90) }),
  ],
});
