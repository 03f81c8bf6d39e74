import { dashboard } from "./dashboard.js";
import type { Dashboard } from "./model.js";
import { UP_MAPPING, UP_THRESHOLDS, promql, stat, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const rate = (metric: string, by = "") => `sum${by ? ` by (${by})` : ""} (rate(${metric}{env=~"$env"}[$__rate_interval]))`;

/** Redis through redis_exporter: memory against maxmemory, clients, throughput, hit ratio, evictions, persistence. */
export const redis: Dashboard = dashboard({
  uid: "supabase-redis",
  title: "Redis",
  description: "redis_exporter: memory, clients, commands, keyspace and RDB persistence.",
  tags: ["redis"],
  variables: [ENV_VARIABLE],
  panels: [
    stat("Redis", "Whether the exporter can reach Redis.", [promql('max(redis_up{env=~"$env"})')], { mappings: [UP_MAPPING], thresholds: UP_THRESHOLDS }),
    stat("Memory used of maxmemory", "Used memory over the configured maxmemory (empty when maxmemory is 0).", [
      promql('max(redis_memory_used_bytes{env=~"$env"} / (redis_memory_max_bytes{env=~"$env"} > 0))'),
    ], { unit: "percentunit", thresholds: warnAt(0.8, 0.9) }),
    stat("Connected clients", "Client connections.", [promql('sum(redis_connected_clients{env=~"$env"})')]),
    stat("Last RDB save", "Time since the last successful RDB snapshot.", [
      promql('time() - max(redis_rdb_last_save_timestamp_seconds{env=~"$env"})'),
    ], { unit: "s", thresholds: warnAt(3600, 86400) }),
    timeseries("Memory", "Used, peak-free view against the configured limit.", [
      promql('sum(redis_memory_used_bytes{env=~"$env"})', "used"),
      promql('sum(redis_memory_max_bytes{env=~"$env"})', "maxmemory"),
    ], { unit: "bytes" }),
    timeseries("Commands per second", "All commands processed.", [promql(rate("redis_commands_processed_total"), "commands")], { unit: "ops" }),
    timeseries("Keyspace hit ratio", "Reads that found their key.", [
      promql(`${rate("redis_keyspace_hits_total")} / (${rate("redis_keyspace_hits_total")} + ${rate("redis_keyspace_misses_total")})`, "hit ratio"),
    ], { unit: "percentunit", min: 0, max: 1 }),
    timeseries("Clients", "Connected and blocked clients.", [
      promql('sum(redis_connected_clients{env=~"$env"})', "connected"),
      promql('sum(redis_blocked_clients{env=~"$env"})', "blocked"),
      promql('max(redis_config_maxclients{env=~"$env"})', "maxclients"),
    ]),
    timeseries("Evicted and expired keys", "Evictions mean maxmemory is too small for the working set.", [
      promql(rate("redis_evicted_keys_total"), "evicted"),
      promql(rate("redis_expired_keys_total"), "expired"),
    ], { unit: "ops" }),
    timeseries("Keys per database", "Keys in each logical database.", [promql('sum by (db) (redis_db_keys{env=~"$env"})', "{{db}}")]),
    timeseries("Rejected connections", "Connections refused at maxclients.", [promql(rate("redis_rejected_connections_total"), "rejected")], {
      unit: "ops",
    }),
    timeseries("Slowest commands", "Time per second spent in the five most expensive commands.", [
      promql(`topk(5, ${rate("redis_commands_duration_seconds_total", "cmd")})`, "{{cmd}}"),
    ], { unit: "s" }),
  ],
});
