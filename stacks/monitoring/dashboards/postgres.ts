import { dashboard } from "./dashboard.js";
import type { Dashboard } from "./model.js";
import { UP_MAPPING, UP_THRESHOLDS, promql, stat, table, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const rate = (metric: string) => `sum(rate(${metric}{env=~"$env"}[$__rate_interval]))`;

/** PostgreSQL through postgres_exporter: availability, connections, throughput, cache, locks, WAL and slots. */
export const postgres: Dashboard = dashboard({
  uid: "supabase-postgres",
  title: "PostgreSQL",
  description: "postgres_exporter (pg_* without _total) plus the stack's custom pg_slot_* and pg_archiver_* queries.",
  tags: ["postgres"],
  variables: [ENV_VARIABLE],
  panels: [
    stat("Postgres", "Whether the exporter can reach the server.", [promql('max(pg_up{env=~"$env"})')], {
      mappings: [UP_MAPPING],
      thresholds: UP_THRESHOLDS,
    }),
    stat("Connections used", "Backends over max_connections.", [
      promql('sum(pg_stat_activity_count{env=~"$env"}) / max(pg_settings_max_connections{env=~"$env"})'),
    ], { unit: "percentunit", thresholds: warnAt(0.8, 0.9) }),
    stat("Database size", "All databases together.", [promql('sum(pg_database_size_bytes{env=~"$env"})')], { unit: "bytes" }),
    stat("Longest transaction", "Age of the oldest open transaction.", [promql('max(pg_stat_activity_max_tx_duration{env=~"$env"})')], {
      unit: "s",
      thresholds: warnAt(60, 300),
    }),
    timeseries("Connections by state", "Backends per state; many idle in transaction means a client holds transactions open.", [
      promql('sum by (state) (pg_stat_activity_count{env=~"$env"})', "{{state}}"),
      promql('max(pg_settings_max_connections{env=~"$env"})', "max_connections"),
    ]),
    timeseries("Transactions per second", "Commits and rollbacks across databases.", [
      promql(rate("pg_stat_database_xact_commit"), "commit"),
      promql(rate("pg_stat_database_xact_rollback"), "rollback"),
    ], { unit: "ops" }),
    timeseries("Cache hit ratio", "Blocks found in shared buffers; below 0.98 reads go to disk.", [
      promql(`${rate("pg_stat_database_blks_hit")} / (${rate("pg_stat_database_blks_hit")} + ${rate("pg_stat_database_blks_read")})`, "hit ratio"),
    ], { unit: "percentunit", max: 1, thresholds: [{ color: "red", value: null }, { color: "green", value: 0.98 }] }),
    timeseries("Deadlocks and conflicts", "Deadlocks and recovery conflicts per second.", [
      promql(rate("pg_stat_database_deadlocks"), "deadlocks"),
      promql(rate("pg_stat_database_conflicts"), "conflicts"),
    ], { unit: "ops" }),
    timeseries("Locks by mode", "Locks held, by mode.", [promql('sum by (mode) (pg_locks_count{env=~"$env"})', "{{mode}}")]),
    timeseries("Temporary files", "Bytes per second spilled to temporary files: raise work_mem or fix the query.", [
      promql(rate("pg_stat_database_temp_bytes"), "temp bytes"),
    ], { unit: "Bps" }),
    timeseries("Database size by database", "Size of each database.", [
      promql('sum by (datname) (pg_database_size_bytes{env=~"$env"})', "{{datname}}"),
    ], { unit: "bytes" }),
    timeseries("Replication slots: retained WAL", "WAL each slot holds back; Realtime's logical slot grows when Realtime stops consuming.", [
      promql('max by (slot_name) (pg_slot_retained_wal_bytes{env=~"$env"})', "{{slot_name}}"),
    ], { unit: "bytes" }),
    timeseries("Checkpoints", "Timed and requested checkpoints per second; requested ones mean max_wal_size is small.", [
      promql(rate("pg_stat_bgwriter_checkpoints_timed_total"), "timed"),
      promql(rate("pg_stat_bgwriter_checkpoints_req_total"), "requested"),
    ], { unit: "ops" }),
    table("Most dead tuples", "Tables with the most dead tuples: autovacuum is behind on them.", [
      promql('topk(10, max by (datname, schemaname, relname) (pg_stat_user_tables_n_dead_tup{env=~"$env"}))', "dead tuples"),
    ]),
  ],
});
