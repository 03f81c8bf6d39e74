import { flagOrEnv, PATH, type ParsedArgs } from "../lib/args.js";
import { UsageError } from "../lib/cli-args.js";
import type { Env } from "../lib/secrets.js";
import { BACKUP_FLAGS } from "./backup-flags.js";
import type { BackupJob } from "./backup-result.js";
import { databaseFromEnv } from "../lib/database-target.js";
import { DESTINATION_FORMS, parseDestination } from "./destination.js";
import { encryptionKeyFromEnv } from "./encryption.js";
import { backupLogical, planLogicalBackup } from "./logical-backup.js";
import { DEFAULT_PGSODIUM_KEY_PATH } from "./logical-dump.js";
import { openStore } from "./open-store.js";
import { backupRedis, planRedisBackup } from "./redis-backup.js";
import { redisFromEnv } from "./redis-connection.js";
import type { RetentionPolicy } from "./retention.js";

function retention(args: ParsedArgs, env: Env): RetentionPolicy {
  return {
    keepDays: Number(flagOrEnv(args, "keep-days", BACKUP_FLAGS.options["keep-days"], env, "BACKUP_KEEP_DAYS", "backup") ?? 14),
    keepMin: Number(flagOrEnv(args, "keep-min", BACKUP_FLAGS.options["keep-min"], env, "BACKUP_KEEP_MIN", "backup") ?? 3),
  };
}

function store(args: ParsedArgs, env: Env, kind: string) {
  const raw = flagOrEnv(args, "dest", BACKUP_FLAGS.options.dest, env, "BACKUP_DEST", "backup");
  if (raw === undefined) throw new UsageError(`backup ${kind}: no destination; pass --dest (${DESTINATION_FORMS}) or set BACKUP_DEST`);
  return openStore(parseDestination(raw), env);
}

/**
 * Builds a logical or Redis backup job, reading every setting it needs. Loaded only for those targets: the S3 SDK and the
 * Redis client stay out of a physical backup's start-up.
 */
export function buildStoreJob(target: "logical" | "redis", args: ParsedArgs, env: Env, note: (line: string) => void): BackupJob {
  const workDir = flagOrEnv(args, "work-dir", PATH, env, "BACKUP_WORK_DIR", "backup");
  const common = { env, note, ...(workDir !== undefined && { workDir }) };
  if (target === "logical") {
    const jobs = Number(flagOrEnv(args, "jobs", BACKUP_FLAGS.options.jobs, env, "BACKUP_JOBS", "backup") ?? 2);
    const pgsodiumKeyPath = flagOrEnv(args, "pgsodium-key", PATH, env, "PGSODIUM_ROOT_KEY_PATH", "backup") ?? DEFAULT_PGSODIUM_KEY_PATH;
    const request = { ...common, database: databaseFromEnv(env), store: store(args, env, target), key: encryptionKeyFromEnv(env), jobs, pgsodiumKeyPath, retention: retention(args, env) };
    return { kind: "logical", plan: () => planLogicalBackup(request), run: () => backupLogical(request) };
  }
  const dataDir = flagOrEnv(args, "redis-data-dir", PATH, env, "REDIS_DATA_DIR", "backup");
  const request = { ...common, redis: redisFromEnv(env), store: store(args, env, target), key: encryptionKeyFromEnv(env), retention: retention(args, env), ...(dataDir !== undefined && { dataDir }) };
  return { kind: "redis", plan: () => planRedisBackup(request), run: () => backupRedis(request) };
}
