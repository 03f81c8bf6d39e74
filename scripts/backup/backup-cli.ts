import { UsageError } from "../lib/cli-args.js";
import { flagOrEnv, NAME, parseArgs, PATH, type ParsedArgs } from "../lib/args.js";
import { EXIT } from "../lib/exit-codes.js";
import type { Env } from "../lib/secrets.js";
import type { BackupKind } from "../../stacks/monitoring/backup-metrics.js";
import { BACKUP_FLAGS } from "./backup-flags.js";
import type { BackupJob, BackupResult } from "./backup-result.js";
import { exitCodeFor, messageOf, watchSignals } from "./cli-common.js";
import { databaseFromEnv } from "../lib/database-target.js";
import { DESTINATION_FORMS } from "./destination.js";
import { lockJob } from "./job-lock.js";
import { DEFAULT_PGSODIUM_KEY_PATH } from "./logical-dump.js";
import { metricsTargetFromEnv, pushBackupRun, type MetricsTarget } from "./metrics.js";
import type { CliOutput } from "./output.js";
import type { BackupType } from "./pgbackrest-args.js";
import { DEFAULT_PGBACKREST_CONFIG, pgbackrestFromEnv } from "./pgbackrest.js";
import { backupPhysical, planPhysicalBackup } from "./physical-backup.js";

const TARGETS = ["postgres", "logical", "redis", "all"] as const;
type Target = (typeof TARGETS)[number];

export const BACKUP_USAGE = `usage: npm run backup -- <postgres|logical|redis|all> [flags]

Takes a backup, checks it, and pushes the result to the Pushgateway (job supabase_backup, labels kind and env).
  postgres  pgBackRest backup of the cluster (WAL is archived continuously by archive_command), then a restore point
            with exact row counts, annotated on the backup for the restore drill
  logical   roles (with passwords) + pg_dump -Fd of the database in one snapshot, checked, encrypted, uploaded to --dest
  redis     BGSAVE + copy of the RDB (and the AOF when enabled), checked with redis-check-rdb/-aof, encrypted, uploaded
  all       postgres, logical and redis in turn; exit 0 only when all three succeed

Flags:
  --type full|diff|incr     postgres: backup type (default incr, a full when none exists; schedules: full weekly, diff daily)
  --stanza NAME             postgres: pgBackRest stanza (env PGBACKREST_STANZA, default main)
  --pgbackrest-config PATH  postgres: pgbackrest.conf (env PGBACKREST_CONFIG, default ${DEFAULT_PGBACKREST_CONFIG})
  --dest DEST               logical, redis: ${DESTINATION_FORMS} (env BACKUP_DEST)
  --jobs N                  logical: parallel pg_dump jobs (env BACKUP_JOBS, default 2)
  --pgsodium-key PATH       logical: the pgsodium root key on the database server, backed up with the dump
                            (env PGSODIUM_ROOT_KEY_PATH, default ${DEFAULT_PGSODIUM_KEY_PATH})
  --keep-days N             logical, redis: keep backups this many days (env BACKUP_KEEP_DAYS, default 14)
  --keep-min N              logical, redis: always keep the newest N (env BACKUP_KEEP_MIN, default 3)
  --redis-data-dir PATH     redis: Redis's dir as mounted here (env REDIS_DATA_DIR; default the dir Redis reports;
                            when unreadable, a fresh RDB is pulled with redis-cli --rdb and the AOF is not copied)
  --work-dir PATH           scratch space for dumps before upload (env BACKUP_WORK_DIR, default the temp dir)
  --dry-run                 check the settings and print the steps; change nothing
  --json                    print the results as one JSON document on stdout
  --help                    show this help

Environment (secrets only here or in the files named by *_FILE, never on the command line):
  DATABASE_URL[_FILE], or PGHOST PGPORT PGUSER PGPASSWORD[_FILE] PGDATABASE   the database, as a superuser (supabase_admin)
  REDIS_URL[_FILE], or REDIS_HOST REDIS_PORT REDIS_PASSWORD[_FILE]             Redis
  PGBACKREST_REPO1_CIPHER_PASS[_FILE]                    cipher pass of the pgBackRest repository (required)
  PGBACKREST_REPO1_S3_KEY[_FILE], PGBACKREST_REPO1_S3_KEY_SECRET[_FILE]   S3 repository credentials (key type shared)
  BACKUP_ENCRYPTION_KEY[_FILE]                           secret the logical/Redis encryption key derives from (>= 32 chars)
  BACKUP_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY[_FILE], BACKUP_S3_FORCE_PATH_STYLE   S3 destination
  PUSHGATEWAY_URL, BACKUP_ENV                            where results go, and their env label (dev, staging, prod)
  BACKUP_LOCK_DIR                                        run locks (default the temp dir)
  PG_BIN_DIR, PGBACKREST_BIN                             programs to use (default from PATH)
Exit codes: 0 every backup succeeded and was pushed, 1 a backup failed, 2 bad command line or settings, 3 already running.`;



/** How one job ended. */
interface Outcome {
  readonly kind: BackupKind;
  readonly ok: boolean;
  readonly durationSeconds: number;
  readonly result?: BackupResult;
  readonly error?: string;
  readonly exitCode: number;
}

/** Builds a job, reading every setting it needs: a missing or wrong one fails here, before anything runs. */
async function buildJob(target: Exclude<Target, "all">, args: ParsedArgs, env: Env, note: (line: string) => void): Promise<BackupJob> {
  if (target !== "postgres") return (await import("./store-backup-jobs.js")).buildStoreJob(target, args, env, note);
  const configPath = flagOrEnv(args, "pgbackrest-config", PATH, env, "PGBACKREST_CONFIG", "backup") ?? DEFAULT_PGBACKREST_CONFIG;
  const stanza = flagOrEnv(args, "stanza", NAME, env, "PGBACKREST_STANZA", "backup") ?? "main";
  const request = { pgbackrest: pgbackrestFromEnv(env, { configPath, stanza }), type: (args.options["type"] ?? "incr") as BackupType, database: databaseFromEnv(env), note };
  return { kind: "physical", plan: () => planPhysicalBackup(request), run: () => backupPhysical(request) };
}

async function runJob(job: BackupJob, env: Env, metrics: MetricsTarget | undefined, note: (line: string) => void): Promise<Outcome> {
  const started = Date.now();
  let release: () => void;
  try {
    release = lockJob(`backup-${job.kind}`, env);
  } catch (error) {
    note(`${job.kind}: ${messageOf(error)}`);
    return { kind: job.kind, ok: false, durationSeconds: 0, error: messageOf(error), exitCode: exitCodeFor(error) };
  }
  let outcome: Outcome;
  try {
    const result = await job.run();
    outcome = { kind: job.kind, ok: true, durationSeconds: (Date.now() - started) / 1000, result, exitCode: EXIT.ok };
    note(`${job.kind}: backup ${result.id} done in ${outcome.durationSeconds.toFixed(1)}s`);
  } catch (error) {
    outcome = { kind: job.kind, ok: false, durationSeconds: (Date.now() - started) / 1000, error: messageOf(error), exitCode: EXIT.failed };
    note(`${job.kind}: FAILED: ${messageOf(error)}`);
  } finally {
    release();
  }
  if (!metrics) return outcome;
  try {
    await pushBackupRun(metrics, { kind: job.kind, finishedAt: new Date(), durationSeconds: outcome.durationSeconds, sizeBytes: outcome.result?.sizeBytes ?? 0, success: outcome.ok });
  } catch (error) {
    note(`${job.kind}: cannot push the result to ${metrics.gatewayUrl}: ${messageOf(error)}`);
    return { ...outcome, ok: false, error: outcome.error ?? `result not pushed: ${messageOf(error)}`, exitCode: EXIT.failed };
  }
  return outcome;
}

/** Runs the backup CLI and returns its exit code; never throws. */
export async function runBackupCli(argv: readonly string[], env: Env, output: CliOutput): Promise<number> {
  let args: ParsedArgs;
  let jobs: BackupJob[];
  let metrics: MetricsTarget | undefined;
  try {
    args = parseArgs(argv, BACKUP_FLAGS, "backup");
    if (args.switches.has("help")) {
      output.result(BACKUP_USAGE);
      return EXIT.ok;
    }
    const [target, ...extra] = args.positional;
    if (!target || !(TARGETS as readonly string[]).includes(target)) throw new UsageError(`backup: got '${target ?? ""}'; expected one of ${TARGETS.join(", ")}`);
    if (extra.length > 0) throw new UsageError(`backup: unexpected argument '${extra[0]}'`);
    const targets = target === "all" ? (["postgres", "logical", "redis"] as const) : [target as Exclude<Target, "all">];
    jobs = [];
    for (const t of targets) jobs.push(await buildJob(t, args, env, output.note));
    metrics = metricsTargetFromEnv(env);
  } catch (error) {
    output.note(`backup: ${messageOf(error)}\n(run with --help for usage)`);
    return exitCodeFor(error) === EXIT.failed ? EXIT.usage : exitCodeFor(error);
  }
  const json = args.switches.has("json");
  if (args.switches.has("dry-run")) {
    const plans = jobs.map((j) => j.plan());
    output.result(json ? JSON.stringify({ dryRun: true, plans }, null, 2) : plans.map((p) => `${p.kind}:\n${p.steps.map((s) => `  - ${s}`).join("\n")}`).join("\n"));
    return EXIT.ok;
  }
  const signals = watchSignals((signal) => output.note(`backup: received ${signal}; stopping the running tool`));
  const outcomes: Outcome[] = [];
  try {
    for (const job of jobs) {
      if (signals.received()) break;
      outcomes.push(await runJob(job, env, metrics, output.note));
    }
  } finally {
    signals.dispose();
  }
  const ok = outcomes.length === jobs.length && outcomes.every((o) => o.ok);
  if (json) {
    output.result(JSON.stringify({ ok, results: outcomes.map(({ exitCode: _, result, ...o }) => ({ ...o, ...(result && { id: result.id, sizeBytes: result.sizeBytes, details: result.details }) })) }, null, 2));
  } else {
    for (const o of outcomes) output.result(o.ok ? `${o.kind}: ok ${o.result!.id} (${o.result!.sizeBytes} bytes, ${o.durationSeconds.toFixed(1)}s)` : `${o.kind}: failed: ${o.error}`);
  }
  if (signals.received()) return signals.exitCode();
  if (ok) return EXIT.ok;
  return outcomes.some((o) => o.exitCode === EXIT.failed) ? EXIT.failed : EXIT.locked;
}
