import { BACKUP_SECRET_ENV, type BackupSecretKey } from "./backup-secrets.js";
import { checkSchedule, scheduledJobs, type BackupSchedule } from "./schedule.js";

/** What the Docker-host rendering needs. */
export interface DockerSchedulerConfig {
  readonly env: string;
  readonly image: string;
  readonly timeZone: string;
  readonly schedule: BackupSchedule;
  /** Non-secret settings for every job (PUSHGATEWAY_URL, BACKUP_DEST, PGBACKREST_CONFIG, …). */
  readonly settings: Readonly<Record<string, string>>;
  /** The secrets the container gets as files (uploaded by the platform, mode 0400). */
  readonly secrets: readonly BackupSecretKey[];
}

/** A secret delivered as a file; the job reads it through `<VARIABLE>_FILE`. */
export interface SecretFile {
  readonly key: BackupSecretKey;
  readonly path: string;
}

/** The ops container of a Docker host: supercronic running the rendered crontab. */
export interface DockerScheduler {
  readonly image: string;
  readonly command: readonly string[];
  /** Plain environment: settings, TZ for the schedule, and `*_FILE` paths of the secrets (never their values). */
  readonly env: Readonly<Record<string, string>>;
  /** Files to upload into the container. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly secretFiles: readonly SecretFile[];
}

/** Where the crontab and the secret files live in the ops container. */
export const CRONTAB_PATH = "/etc/supabase-backup/crontab";
const SECRETS_DIR = "/run/secrets/supabase-backup";

/** The crontab supercronic runs: the same jobs and times as the Kubernetes CronJobs. */
export function renderCrontab(schedule: BackupSchedule): string {
  checkSchedule(schedule);
  const lines = scheduledJobs(schedule).map((job) => `${job.schedule} node --import tsx ${job.args.join(" ")}`);
  return `# Rendered by stacks/backup/docker-scheduler.ts; run by supercronic (a run is skipped while the previous one still runs).\n${lines.join("\n")}\n`;
}

/**
 * The Docker-host equivalent of the CronJobs: one long-running ops container whose PID 1 is tini, running supercronic on a
 * rendered crontab. Chosen over a systemd timer because Pulumi's Docker provider manages containers, not host units: the
 * schedule ships with the stack, needs no host access, and logs go to the container log. Secrets arrive as files and
 * reach the jobs as `*_FILE` paths, which the CLIs read; supercronic never overlaps runs of a job, and the CLIs' locks
 * guard manual runs.
 */
export function dockerScheduler(config: DockerSchedulerConfig): DockerScheduler {
  const secretFiles = config.secrets.map((key) => ({ key, path: `${SECRETS_DIR}/${key}` }));
  return {
    image: config.image,
    command: ["tini", "--", "supercronic", CRONTAB_PATH],
    env: {
      ...config.settings,
      BACKUP_ENV: config.env,
      TZ: config.timeZone,
      ...Object.fromEntries(secretFiles.map((f) => [`${BACKUP_SECRET_ENV[f.key]}_FILE`, f.path])),
    },
    files: [{ path: CRONTAB_PATH, content: renderCrontab(config.schedule) }],
    secretFiles,
  };
}
