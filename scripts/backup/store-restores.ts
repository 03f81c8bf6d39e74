import { flagOrEnv, PATH, type ParsedArgs } from "../lib/args.js";
import { UsageError } from "../lib/cli-args.js";
import type { Env } from "../lib/secrets.js";
import { resolveBackup } from "./catalog.js";
import { databaseFromEnv } from "../lib/database-target.js";
import { DESTINATION_FORMS, parseDestination } from "./destination.js";
import { encryptionKeyFromEnv } from "./encryption.js";
import { PGSODIUM_KEY_FILE } from "./logical-dump.js";
import { maintenanceDatabase, restoreLogical } from "./logical-restore.js";
import { openStore } from "./open-store.js";
import { restorePgsodiumKey } from "./pgsodium-key.js";
import type { PreparedRestore } from "./prepared-restore.js";
import { formatBytes } from "./progress.js";
import { redisFromEnv } from "./redis-connection.js";
import { restoreRedis } from "./redis-restore.js";
import { RESTORE_FLAGS } from "./restore-flags.js";

function fromStore(args: ParsedArgs, env: Env, kind: string) {
  const raw = flagOrEnv(args, "from", RESTORE_FLAGS.options.from, env, "BACKUP_DEST", "restore");
  if (raw === undefined) throw new UsageError(`restore ${kind}: no backup location; pass --from (${DESTINATION_FORMS}) or set BACKUP_DEST`);
  return openStore(parseDestination(raw), env);
}

function prepareLogical(id: string, args: ParsedArgs, env: Env, note: (line: string) => void): PreparedRestore {
  const store = fromStore(args, env, "logical");
  const key = encryptionKeyFromEnv(env);
  const server = databaseFromEnv(env);
  const jobs = Number(flagOrEnv(args, "jobs", RESTORE_FLAGS.options.jobs, env, "BACKUP_JOBS", "restore") ?? 2);
  const workDir = flagOrEnv(args, "work-dir", PATH, env, "BACKUP_WORK_DIR", "restore");
  const findManifest = () => resolveBackup(store, "logical", id);
  return {
    job: "restore-logical",
    describe: async () => {
      const manifest = await findManifest();
      const targetDatabase = args.options["target-db"] ?? String(manifest.source["database"]);
      return { backup: manifest.id, createdAt: manifest.createdAt, targetDatabase, via: maintenanceDatabase(server, targetDatabase), size: formatBytes(manifest.files.reduce((s, f) => s + f.plainBytes, 0)), force: args.switches.has("force") };
    },
    run: async () => {
      const manifest = await findManifest();
      const targetDatabase = args.options["target-db"] ?? String(manifest.source["database"]);
      return { ...(await restoreLogical({ manifest, store, key, server, targetDatabase, force: args.switches.has("force"), jobs, env, note, ...(workDir !== undefined && { workDir }) })) };
    },
  };
}

function preparePgsodiumKey(id: string, args: ParsedArgs, env: Env, note: (line: string) => void): PreparedRestore {
  const store = fromStore(args, env, "pgsodium-key");
  const key = encryptionKeyFromEnv(env);
  const out = args.options["out"];
  if (!out) throw new UsageError("restore pgsodium-key: no destination; pass --out PATH (the pgsodium volume as mounted here, such as /etc/postgresql-custom/pgsodium_root.key)");
  const workDir = flagOrEnv(args, "work-dir", PATH, env, "BACKUP_WORK_DIR", "restore");
  const force = args.switches.has("force");
  return {
    job: "restore-pgsodium-key",
    describe: async () => {
      const manifest = await resolveBackup(store, "logical", id);
      return { backup: manifest.id, createdAt: manifest.createdAt, keyInBackup: manifest.files.some((f) => f.path === PGSODIUM_KEY_FILE), out, force };
    },
    run: async () => {
      const manifest = await resolveBackup(store, "logical", id);
      const result = await restorePgsodiumKey({ manifest, store, key, out, force, note, ...(workDir !== undefined && { workDir }) });
      return { ...result, next: "restart PostgreSQL so pgsodium reads the key, then check SELECT count(*) FROM vault.decrypted_secrets WHERE decrypted_secret IS NULL is 0" };
    },
  };
}

function prepareRedis(id: string, args: ParsedArgs, env: Env, note: (line: string) => void): PreparedRestore {
  const store = fromStore(args, env, "redis");
  const key = encryptionKeyFromEnv(env);
  const dataDir = flagOrEnv(args, "data-dir", PATH, env, "REDIS_DATA_DIR", "restore");
  if (!dataDir) throw new UsageError("restore redis: no data directory; pass --data-dir (Redis's dir) or set REDIS_DATA_DIR");
  const redis = env["REDIS_URL"] || env["REDIS_URL_FILE"] || env["REDIS_HOST"] ? redisFromEnv(env) : undefined;
  const names = { dbfilename: args.options["dbfilename"] ?? "dump.rdb", appenddirname: args.options["appenddirname"] ?? "appendonlydir", appendfilename: args.options["appendfilename"] ?? "appendonly.aof" };
  return {
    job: "restore-redis",
    describe: async () => {
      const manifest = await resolveBackup(store, "redis", id);
      return { backup: manifest.id, createdAt: manifest.createdAt, keys: manifest.source["keys"], aofInBackup: manifest.source["aof"], dataDir, ...names };
    },
    run: async () => {
      const manifest = await resolveBackup(store, "redis", id);
      const result = await restoreRedis({ manifest, store, key, dataDir, ...names, env, note, ...(redis && { redis }) });
      return { ...result, next: `start Redis on ${dataDir}; DBSIZE should be ${result.keys} (the keys at backup time)` };
    },
  };
}

/**
 * Prepares a restore from a backup destination (logical, Redis, the pgsodium key). Loaded only for those kinds: the S3 SDK
 * and the Redis client stay out of a physical restore's start-up.
 */
export function prepareStoreRestore(kind: "logical" | "redis" | "pgsodium-key", id: string, args: ParsedArgs, env: Env, note: (line: string) => void): PreparedRestore {
  const prepare = { logical: prepareLogical, redis: prepareRedis, "pgsodium-key": preparePgsodiumKey }[kind];
  return prepare(id, args, env, note);
}
