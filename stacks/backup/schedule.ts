import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { BACKUP_SECRET_ENV, type BackupSecretKey } from "./backup-secrets.js";

/** When each backup job runs: five-field cron expressions in `timeZone`. */
export interface BackupSchedule {
  /** Weekly full pgBackRest backup. */
  readonly physicalFull: string;
  /** Daily differential backup on the other days. */
  readonly physicalDiff: string;
  readonly logical: string;
  readonly redis: string;
  /** Weekly restore drill (backup:verify). */
  readonly drill: string;
}

/** Sunday full, Monday–Saturday diff at 01:00, logical at 02:30, Redis hourly, drill on Saturday at 04:00. */
export const DEFAULT_BACKUP_SCHEDULE: BackupSchedule = {
  physicalFull: "0 1 * * 0",
  physicalDiff: "0 1 * * 1-6",
  logical: "30 2 * * *",
  redis: "15 * * * *",
  drill: "0 4 * * 6",
};

/** One scheduled job, platform-neutral. */
export interface ScheduledJob {
  /** Short name: the CronJob is `supabase-<name>`. */
  readonly name: string;
  readonly schedule: string;
  /** Script and arguments, relative to the ops image's working directory. */
  readonly args: readonly string[];
  /** Hard limit on one run; the job is killed (SIGTERM, then SIGKILL) beyond it and counts as failed. */
  readonly activeDeadlineSeconds: number;
  /** Only the secrets this job reads. */
  readonly secrets: readonly BackupSecretKey[];
  /** Whether it needs scratch space for a dump or a restored cluster. */
  readonly scratch: boolean;
}

const HOUR = 3600;

/** The jobs of a schedule; each gets only the secrets it uses. */
export function scheduledJobs(schedule: BackupSchedule): ScheduledJob[] {
  const physical: BackupSecretKey[] = ["pgbackrestCipherPass", "databaseUrl", "pgbackrestS3Key", "pgbackrestS3KeySecret"];
  const uploads: BackupSecretKey[] = ["backupEncryptionKey", "s3AccessKeyId", "s3SecretAccessKey"];
  return [
    { name: "backup-physical-full", schedule: schedule.physicalFull, args: ["scripts/backup.ts", "postgres", "--type", "full"], activeDeadlineSeconds: 6 * HOUR, secrets: physical, scratch: false },
    { name: "backup-physical-diff", schedule: schedule.physicalDiff, args: ["scripts/backup.ts", "postgres", "--type", "diff"], activeDeadlineSeconds: 3 * HOUR, secrets: physical, scratch: false },
    { name: "backup-logical", schedule: schedule.logical, args: ["scripts/backup.ts", "logical"], activeDeadlineSeconds: 3 * HOUR, secrets: ["databaseUrl", ...uploads], scratch: true },
    { name: "backup-redis", schedule: schedule.redis, args: ["scripts/backup.ts", "redis"], activeDeadlineSeconds: HOUR / 2, secrets: ["redisUrl", ...uploads], scratch: true },
    { name: "restore-drill", schedule: schedule.drill, args: ["scripts/backup-verify.ts"], activeDeadlineSeconds: 4 * HOUR, secrets: ["pgbackrestCipherPass", "pgbackrestS3Key", "pgbackrestS3KeySecret"], scratch: true },
  ];
}

const FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** Raised for a schedule Kubernetes or supercronic would reject. */
export class ScheduleError extends Error {
  override readonly name = "ScheduleError";
}

/** Whether an expression has five plain cron fields (no @macros, no seconds field, no names). */
export function isCronExpression(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => FIELD.test(f));
}

/** Checks that every expression of the schedule is a plain five-field cron expression. */
export function checkSchedule(schedule: BackupSchedule): void {
  const problems = (Object.entries(schedule) as [string, string][])
    .filter(([, expression]) => !isCronExpression(expression))
    .map(([name, expression]) => `${name}: got '${expression}'; expected five cron fields such as "0 1 * * 0"`);
  if (problems.length > 0) throw new ScheduleError(`invalid backup schedule:\n  ${problems.join("\n  ")}`);
}

/** What the Kubernetes rendering needs. */
export interface BackupCronJobsConfig {
  /** Stack name: the `env` label of the pushed metrics. */
  readonly env: string;
  readonly namespace: string;
  /** The ops image (docker/ops/Dockerfile), pinned. */
  readonly image: string;
  /** IANA zone the schedule is read in, such as Etc/UTC. */
  readonly timeZone: string;
  readonly schedule: BackupSchedule;
  /** Secret holding the keys of BACKUP_SECRET_ENV. */
  readonly secretName: string;
  /** ConfigMap holding `pgbackrest.conf` (rendered by renderPgbackrestConf, no secrets). */
  readonly pgbackrestConfigMap: string;
  /** Secret with `ca.crt`, `client.crt` and `client.key` for the pgBackRest TLS server beside PostgreSQL. */
  readonly pgbackrestTlsSecret: string;
  /** Non-secret settings for every job: PUSHGATEWAY_URL, BACKUP_DEST, BACKUP_S3_ENDPOINT, AWS_REGION, … */
  readonly settings: Readonly<Record<string, string>>;
  /** Size of the scratch volume (a dump before upload, or a whole restored cluster for the drill). */
  readonly scratchSize: string;
  /** StorageClass of the scratch volume; the cluster default when unset. */
  readonly scratchStorageClass?: string;
  /** ServiceAccount of the jobs (its annotations bind workload identity); its API token is never mounted. */
  readonly serviceAccountName: string;
}

/** User the ops image runs as. */
export const OPS_UID = 10001;
const CONFIG_DIR = "/etc/pgbackrest";
const SCRATCH_DIR = "/scratch";
const ENTRYPOINT = ["tini", "--", "node", "--import", "tsx"];

function labels(job: ScheduledJob, env: string): Record<string, string> {
  return { "app.kubernetes.io/name": "supabase-backup", "app.kubernetes.io/component": job.name, "app.kubernetes.io/part-of": "supabase", "supabase.io/env": env };
}

/** Environment every job gets: where things are, and the settings given. */
function plainEnv(config: BackupCronJobsConfig): Record<string, string> {
  return {
    ...config.settings,
    BACKUP_ENV: config.env,
    PGBACKREST_CONFIG: `${CONFIG_DIR}/pgbackrest.conf`,
    BACKUP_WORK_DIR: SCRATCH_DIR,
    BACKUP_SCRATCH_DIR: SCRATCH_DIR,
    HOME: "/tmp",
  };
}

/** A claim made for each run and deleted with its pod: a restored cluster can outgrow any node's ephemeral storage. */
function scratchVolume(config: BackupCronJobsConfig) {
  return {
    name: "scratch",
    ephemeral: {
      volumeClaimTemplate: {
        spec: {
          accessModes: ["ReadWriteOnce" as const],
          resources: { requests: { storage: config.scratchSize } },
          ...(config.scratchStorageClass !== undefined && { storageClassName: config.scratchStorageClass }),
        },
      },
    },
  };
}

/**
 * The backup CronJobs (batch/v1): no overlapping runs (Forbid), a start deadline so a missed run is not started hours late,
 * a run deadline, one retry, the schedule's time zone, a non-root read-only container under tini, and secrets only through
 * secretKeyRef, each job getting just the ones it reads.
 */
export function backupCronJobs(config: BackupCronJobsConfig): ICronJob[] {
  checkSchedule(config.schedule);
  return scheduledJobs(config.schedule).map((job): ICronJob => {
    const name = `supabase-${job.name}`;
    const jobLabels = labels(job, config.env);
    const env = [
      ...Object.entries(plainEnv(config))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([envName, value]) => ({ name: envName, value })),
      ...job.secrets.map((key) => ({ name: BACKUP_SECRET_ENV[key], valueFrom: { secretKeyRef: { name: config.secretName, key, optional: key.startsWith("s3") || key.startsWith("pgbackrestS3") } } })),
    ];
    const volumes = [
      { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
      { name: "pgbackrest-config", configMap: { name: config.pgbackrestConfigMap } },
      // Root-owned and readable by the fsGroup: pgBackRest takes a group-readable key only from root.
      { name: "pgbackrest-tls", secret: { secretName: config.pgbackrestTlsSecret, defaultMode: 0o440 } },
      { name: "pgbackrest-log", emptyDir: { sizeLimit: "1Gi" } },
      { name: "pgbackrest-spool", emptyDir: { sizeLimit: "4Gi" } },
      ...(job.scratch ? [scratchVolume(config)] : []),
    ];
    const volumeMounts = [
      { name: "tmp", mountPath: "/tmp" },
      { name: "pgbackrest-config", mountPath: CONFIG_DIR, readOnly: true },
      { name: "pgbackrest-tls", mountPath: `${CONFIG_DIR}/tls`, readOnly: true },
      { name: "pgbackrest-log", mountPath: "/var/log/pgbackrest" },
      { name: "pgbackrest-spool", mountPath: "/var/spool/pgbackrest" },
      ...(job.scratch ? [{ name: "scratch", mountPath: SCRATCH_DIR }] : []),
    ];
    return {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name, namespace: config.namespace, labels: jobLabels },
      spec: {
        schedule: job.schedule,
        timeZone: config.timeZone,
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: HOUR,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: jobLabels },
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: job.activeDeadlineSeconds,
            ttlSecondsAfterFinished: 7 * 24 * HOUR,
            template: {
              metadata: { labels: jobLabels },
              spec: {
                restartPolicy: "Never",
                serviceAccountName: config.serviceAccountName,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: { runAsNonRoot: true, runAsUser: OPS_UID, runAsGroup: OPS_UID, fsGroup: OPS_UID, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: "job",
                    image: config.image,
                    imagePullPolicy: "IfNotPresent",
                    command: ENTRYPOINT,
                    args: [...job.args],
                    env,
                    volumeMounts,
                    resources: job.scratch ? { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } } : { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  },
                ],
                volumes,
              },
            },
          },
        },
      },
    };
  });
}
