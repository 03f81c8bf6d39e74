import { BACKUP_JOB, BACKUP_METRICS, DRILL_METRICS, PUSHGATEWAY_METRICS } from "../backup-metrics.js";
import { dashboard } from "./dashboard.js";
import type { Dashboard } from "./model.js";
import { promql, stat, table, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const HOUR = 3600;
const DAY = 24 * HOUR;
const series = (metric: string) => `${metric}{env=~"$env"}`;
const age = (metric: string, by = "") => `time() - max${by ? ` by (${by})` : ""} (${series(metric)})`;

/** Backups and disaster recovery: the backup and restore-drill contract of backup-metrics.ts, WAL archiving, Redis RDB. */
export const backups: Dashboard = dashboard({
  uid: "supabase-backups",
  title: "Backups & DR",
  description: `Pushgateway job ${BACKUP_JOB} (supabase_backup_*, supabase_restore_drill_*), WAL archiving (pg_archiver_*) and Redis persistence.`,
  tags: ["backups", "dr"],
  variables: [ENV_VARIABLE],
  from: "now-7d",
  panels: [
    stat("Oldest backup", "Time since the least recent successful backup of any kind.", [
      promql(`time() - min(${series(BACKUP_METRICS.lastSuccess)})`),
    ], { unit: "s", thresholds: warnAt(26 * HOUR, 48 * HOUR) }),
    stat("Last restore drill", "Time since a restore drill last succeeded.", [promql(age(DRILL_METRICS.lastSuccess))], {
      unit: "s",
      thresholds: warnAt(8 * DAY, 14 * DAY),
    }),
    stat("WAL archive age", "Time since PostgreSQL last archived a WAL segment.", [
      promql('time() - max(pg_archiver_last_archived_timestamp_seconds{env=~"$env"} > 0)'),
    ], { unit: "s", thresholds: warnAt(300, 900) }),
    stat("WAL waiting to be archived", "Completed segments archive_command has not shipped yet.", [
      promql('max(pg_archiver_pending_wal_files{env=~"$env"})'),
    ], { thresholds: warnAt(10, 50) }),
    table("Backups by kind", "Per kind: time since the last success and the last run, whether the last run succeeded, its size.", [
      promql(age(BACKUP_METRICS.lastSuccess, "kind"), "seconds since success"),
      promql(age(BACKUP_METRICS.lastRun, "kind"), "seconds since run"),
      promql(`max by (kind) (${series(BACKUP_METRICS.success)})`, "last run ok"),
      promql(`max by (kind) (${series(BACKUP_METRICS.size)})`, "size bytes"),
    ], { width: 24, height: 6 }),
    timeseries("Time since last success by kind", "Sawtooth per kind: each success resets it to zero; Redis's own RDB snapshots beside them.", [
      promql(age(BACKUP_METRICS.lastSuccess, "kind"), "{{kind}}"),
      promql(age("redis_rdb_last_save_timestamp_seconds"), "redis rdb snapshot"),
    ], { unit: "s", thresholds: warnAt(26 * HOUR, 48 * HOUR) }),
    timeseries("Backup duration", "How long each run took.", [
      promql(`max by (kind) (${series(BACKUP_METRICS.duration)})`, "{{kind}}"),
      promql(`max(${series(DRILL_METRICS.duration)})`, "restore drill"),
    ], { unit: "s" }),
    timeseries("Backup size", "Bytes each run wrote; a sudden drop deserves a look.", [
      promql(`max by (kind) (${series(BACKUP_METRICS.size)})`, "{{kind}}"),
    ], { unit: "bytes" }),
    timeseries("Failed pushes", "Groups whose last push to the Pushgateway failed after their last good push.", [
      promql(`max by (kind) (${series(PUSHGATEWAY_METRICS.pushFailureTime)} > ${series(PUSHGATEWAY_METRICS.pushTime)})`, "{{kind}}"),
    ], { unit: "dateTimeFromNow" }),
    timeseries("WAL archiving", "Segments archived and failed per second, and the backlog.", [
      promql('sum(rate(pg_archiver_archived_count{env=~"$env"}[$__rate_interval]))', "archived/s"),
      promql('sum(rate(pg_archiver_failed_count{env=~"$env"}[$__rate_interval]))', "failed/s"),
      promql('max(pg_archiver_pending_wal_files{env=~"$env"})', "pending"),
    ]),
    timeseries("Redis persistence", "1 when the last background save and the last AOF write succeeded.", [
      promql('min(redis_rdb_last_bgsave_status{env=~"$env"})', "rdb bgsave ok"),
      promql('min(redis_aof_last_write_status{env=~"$env"})', "aof write ok"),
    ], { min: 0, max: 1 }),
  ],
});
