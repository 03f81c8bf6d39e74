/**
 * The metrics backup and restore-drill jobs push to the Pushgateway, and the backup alerts read
 * (monitoring/prometheus/rules/backup.yml). Jobs push `duration`, `size`, `success` and `last_run` on every run,
 * `last_success` only when the run succeeded.
 */

/** The Pushgateway job (grouping key `job`) every backup and drill push uses. */
export const BACKUP_JOB = "supabase_backup";

/** What a backup run copies: a base backup with WAL, a pg_dump, or Redis's RDB file. */
export const BACKUP_KINDS = ["physical", "logical", "redis"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** Labels of every backup series (the grouping key besides `job`). */
export const BACKUP_LABELS = ["kind", "env"] as const;

/** Labels of every restore-drill series. */
export const DRILL_LABELS = ["env"] as const;

/** Series a backup run pushes, labelled by kind and env. */
export const BACKUP_METRICS = {
  lastSuccess: "supabase_backup_last_success_timestamp_seconds",
  lastRun: "supabase_backup_last_run_timestamp_seconds",
  duration: "supabase_backup_duration_seconds",
  size: "supabase_backup_size_bytes",
  success: "supabase_backup_success",
} as const;

/** Series a restore drill pushes, labelled by env. */
export const DRILL_METRICS = {
  lastSuccess: "supabase_restore_drill_last_success_timestamp_seconds",
  duration: "supabase_restore_drill_duration_seconds",
  success: "supabase_restore_drill_success",
} as const;

/** Series the Pushgateway itself adds to every pushed group. */
export const PUSHGATEWAY_METRICS = {
  pushTime: "push_time_seconds",
  pushFailureTime: "push_failure_time_seconds",
} as const;

/** Oldest acceptable last success per kind (a daily schedule plus slack); BackupTooOld fires beyond it. */
export const BACKUP_MAX_AGE_HOURS: Readonly<Record<BackupKind, number>> = {
  physical: 26,
  logical: 26,
  redis: 26,
};

/** Oldest acceptable successful restore drill (weekly schedule plus a day). */
export const DRILL_MAX_AGE_DAYS = 8;

/** Every metric name of the contract. */
export const BACKUP_CONTRACT_METRICS: readonly string[] = [
  ...Object.values(BACKUP_METRICS),
  ...Object.values(DRILL_METRICS),
  ...Object.values(PUSHGATEWAY_METRICS),
];
