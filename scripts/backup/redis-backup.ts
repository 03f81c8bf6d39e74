import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { parseAofManifest } from "./aof-manifest.js";
import type { BackupResult, DryRun } from "./backup-result.js";
import { newBackupId } from "./backup-id.js";
import { applyRetention, writeManifest } from "./catalog.js";
import type { EncryptionKey } from "./encryption.js";
import { backupFolder, buildManifest } from "./manifest.js";
import { redisClient, type RedisTarget } from "./redis-connection.js";
import { keyCounts, parseRedisInfo, saveState } from "./redis-info.js";
import type { RetentionPolicy } from "./retention.js";
import { childEnv, runProcess } from "./run-process.js";
import type { Env } from "../lib/secrets.js";
import type { BackupStore } from "./store.js";
import { uploadFiles } from "./transfer.js";
import { scratchDir } from "./work-dir.js";

/** One Redis backup. */
export interface RedisBackupRequest {
  readonly redis: RedisTarget;
  /** Where this process can read Redis's `dir` (a shared volume); default: the `dir` Redis reports. */
  readonly dataDir?: string;
  readonly store: BackupStore;
  readonly key: EncryptionKey;
  readonly retention: RetentionPolicy;
  readonly workDir?: string;
  readonly env: Env;
  readonly note: (line: string) => void;
  readonly now?: () => Date;
  /** Longest wait for BGSAVE. */
  readonly saveTimeoutMs?: number;
}

/** File names inside a Redis backup. */
export const REDIS_FILES = { rdb: "dump.rdb", aofDir: "appendonlydir" } as const;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function info(redis: Redis, section: string): Promise<Record<string, string>> {
  return parseRedisInfo(await redis.info(section));
}

async function config(redis: Redis, name: string): Promise<string> {
  const reply = (await redis.config("GET", name)) as string[];
  return reply[1] ?? "";
}

/** BGSAVE, then polls LASTSAVE and INFO persistence until that save finished; returns the new LASTSAVE; throws when it failed or took too long. */
export async function backgroundSave(redis: Redis, timeoutMs: number, note: (line: string) => void): Promise<number> {
  const before = await redis.lastsave();
  const [seconds] = await redis.time();
  if (Number(seconds) <= before) await sleep(1100);
  try {
    await redis.bgsave();
  } catch (error) {
    if (!/in progress/i.test((error as Error).message)) throw error;
    note("redis: a save or AOF rewrite is running; scheduling BGSAVE after it");
    await redis.call("BGSAVE", "SCHEDULE");
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lastSave = await redis.lastsave();
    const state = saveState(await info(redis, "persistence"), lastSave, before);
    if (state === "done") return lastSave;
    if (state === "failed") throw new Error("BGSAVE failed (rdb_last_bgsave_status:err); see the Redis log (often fork: Cannot allocate memory; set vm.overcommit_memory=1)");
    if (Date.now() > deadline) throw new Error(`BGSAVE did not finish within ${Math.round(timeoutMs / 1000)}s`);
    await sleep(200);
  }
}

/** Copies the AOF directory with automatic rewrites paused (so its files are not swapped mid-copy), restoring the setting after. */
async function copyAof(redis: Redis, aofDir: string, target: string): Promise<void> {
  const previous = await config(redis, "auto-aof-rewrite-percentage");
  await redis.config("SET", "auto-aof-rewrite-percentage", "0");
  try {
    while ((await info(redis, "persistence"))["aof_rewrite_in_progress"] === "1") await sleep(200);
    const appendFilename = await config(redis, "appendfilename");
    const manifestName = `${appendFilename}.manifest`;
    const manifestText = readFileSync(join(aofDir, manifestName), "utf8");
    mkdirSync(target, { recursive: true, mode: 0o700 });
    for (const part of parseAofManifest(manifestText)) copyFileSync(join(aofDir, part.name), join(target, part.name));
    copyFileSync(join(aofDir, manifestName), join(target, manifestName));
  } finally {
    await redis.config("SET", "auto-aof-rewrite-percentage", previous);
  }
}

async function check(cmd: string, args: readonly string[], env: Env): Promise<boolean> {
  return (await runProcess(cmd, args, { env: childEnv({}, env) })).code === 0;
}

/** The steps a Redis backup takes, for --dry-run. */
export function planRedisBackup(request: RedisBackupRequest): DryRun {
  return {
    kind: "redis",
    dryRun: true,
    steps: [
      `BGSAVE on ${request.redis.description}, polling LASTSAVE until it finished; copy dump.rdb from ${request.dataDir ?? "Redis's dir"} (or redis-cli --rdb when that is not readable here)`,
      "copy the AOF directory with auto-aof-rewrite-percentage 0 when appendonly is on",
      "redis-check-rdb (and redis-check-aof) on the copies",
      `encrypt and upload to ${request.store.description}redis/<id>/, then SHA256SUMS and manifest.json; retention as for logical backups`,
    ],
  };
}

/** Takes a Redis backup: a fresh RDB (and the AOF when enabled), verified, encrypted and uploaded, manifest last. */
export async function backupRedis(request: RedisBackupRequest): Promise<BackupResult> {
  const now = request.now ?? (() => new Date());
  const created = now();
  const id = newBackupId(created);
  const scratch = scratchDir("redis-backup", request.workDir);
  const redis = redisClient(request.redis);
  try {
    await redis.connect();
    const server = await info(redis, "server");
    const dir = request.dataDir ?? (await config(redis, "dir"));
    const rdbPath = join(dir, await config(redis, "dbfilename"));
    const copy = join(scratch.path, REDIS_FILES.rdb);
    const readable = (() => {
      try {
        accessSync(dir, constants.R_OK | constants.X_OK);
        return true;
      } catch {
        return false;
      }
    })();
    const checks = ["redis-check-rdb"];
    let aof = false;
    if (readable) {
      request.note(`redis: BGSAVE on ${request.redis.description}`);
      const savedAt = await backgroundSave(redis, request.saveTimeoutMs ?? 3600_000, request.note);
      if (!existsSync(rdbPath) || statSync(rdbPath).mtimeMs / 1000 < savedAt - 1) {
        throw new Error(`${rdbPath} was not written by this BGSAVE: --redis-data-dir (REDIS_DATA_DIR) must be the directory Redis saves to`);
      }
      copyFileSync(rdbPath, copy);
      if ((await config(redis, "appendonly")) === "yes") {
        const aofCopy = join(scratch.path, REDIS_FILES.aofDir);
        await copyAof(redis, join(dir, await config(redis, "appenddirname")), aofCopy);
        const manifestName = `${await config(redis, "appendfilename")}.manifest`;
        aof = await check("redis-check-aof", [join(aofCopy, manifestName)], request.env);
        if (aof) checks.push("redis-check-aof");
        else request.note("redis: redis-check-aof rejected the live AOF copy (a command was cut mid-write); the backup keeps the verified RDB only");
      }
    } else {
      request.note(`redis: ${dir} is not readable here; pulling a fresh RDB over replication (redis-cli --rdb)`);
      const cliEnv = childEnv({ ...(request.redis.password !== undefined && { REDISCLI_AUTH: request.redis.password }) }, request.env);
      const pulled = await runProcess("redis-cli", ["-h", request.redis.host, "-p", String(request.redis.port), ...(request.redis.tls ? ["--tls"] : []), "--rdb", copy], { env: cliEnv });
      if (pulled.code !== 0) throw new Error(`redis-cli --rdb exited with ${pulled.code}: ${pulled.tail.slice(-3).join(" ")}`);
    }
    if (!(await check("redis-check-rdb", [copy], request.env))) throw new Error("redis-check-rdb rejected the RDB copy; nothing was uploaded");
    const keys = keyCounts(await info(redis, "keyspace"));
    const files: string[] = [REDIS_FILES.rdb];
    if (aof) {
      const aofDir = join(scratch.path, REDIS_FILES.aofDir);
      const manifestName = `${await config(redis, "appendfilename")}.manifest`;
      for (const part of parseAofManifest(readFileSync(join(aofDir, manifestName), "utf8"))) files.push(`${REDIS_FILES.aofDir}/${part.name}`);
      files.push(`${REDIS_FILES.aofDir}/${manifestName}`);
    }
    const folder = backupFolder("redis", id);
    const uploaded = await uploadFiles(request.store, folder, scratch.path, files, request.key, `redis: uploading to ${request.store.description}`, request.note);
    const manifest = buildManifest({
      kind: "redis",
      id,
      createdAt: created.toISOString(),
      completedAt: now().toISOString(),
      verified: true,
      checks,
      keyFingerprint: request.key.fingerprint,
      files: uploaded,
      source: { redisVersion: server["redis_version"] ?? "unknown", method: readable ? "bgsave+copy" : "replication", aof, keys: Object.values(keys).reduce((a, b) => a + b, 0), ...keys },
    });
    const manifestBytes = await writeManifest(request.store, manifest);
    const expired = await applyRetention(request.store, "redis", request.retention, now().getTime());
    if (expired.length > 0) request.note(`redis: retention removed ${expired.join(", ")}`);
    return { kind: "redis", id, sizeBytes: uploaded.reduce((s, f) => s + f.storedBytes, 0) + manifestBytes, details: { aof, method: manifest.source["method"], keys: manifest.source["keys"], expired } };
  } finally {
    redis.disconnect();
    scratch.remove();
  }
}
