import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aofFromRdb } from "./aof-manifest.js";
import { requireFreeSpace } from "./disk-space.js";
import type { EncryptionKey } from "./encryption.js";
import { backupFolder, type BackupManifest } from "./manifest.js";
import { REDIS_FILES } from "./redis-backup.js";
import { redisClient, type RedisTarget } from "./redis-connection.js";
import { childEnv, runProcess } from "./run-process.js";
import type { Env } from "../lib/secrets.js";
import type { BackupStore } from "./store.js";
import { downloadFiles } from "./transfer.js";
import { scratchDir } from "./work-dir.js";

/** One Redis restore into a stopped server's data directory. */
export interface RedisRestoreRequest {
  readonly manifest: BackupManifest;
  readonly store: BackupStore;
  readonly key: EncryptionKey;
  /** Redis's `dir`, as mounted here; the server must be stopped. */
  readonly dataDir: string;
  readonly dbfilename: string;
  readonly appenddirname: string;
  readonly appendfilename: string;
  /** When given, the restore refuses to run while this server answers. */
  readonly redis?: RedisTarget;
  readonly env: Env;
  readonly note: (line: string) => void;
  readonly now?: () => Date;
}

/** What was put where, and what was moved aside. */
export interface RedisRestoreResult {
  readonly id: string;
  readonly keys: number;
  readonly aofSource: "backup" | "rdb";
  readonly movedAside: readonly string[];
}

async function answers(target: RedisTarget): Promise<boolean> {
  const client = redisClient(target);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function verify(cmd: string, path: string, env: Env): Promise<void> {
  const result = await runProcess(cmd, [path], { env: childEnv({}, env) });
  if (result.code !== 0) throw new Error(`${cmd} rejected ${path}: ${result.tail.slice(-3).join(" ")}`);
}

function chownLike(reference: string, paths: readonly string[]): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(reference);
  for (const path of paths) {
    chownSync(path, uid, gid);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownSync(join(path, entry), uid, gid);
  }
}

/**
 * Restores a Redis backup into a stopped server's data directory. "AOF wins at startup": with appendonly yes Redis loads
 * the AOF and ignores dump.rdb (and with no AOF it starts empty), so the restore writes both: dump.rdb, and an AOF
 * directory that is the backup's verified AOF copy or, without one, a new AOF whose base is the restored RDB. The previous
 * files are moved aside, not deleted. Either appendonly setting then loads exactly the backup.
 */
export async function restoreRedis(request: RedisRestoreRequest): Promise<RedisRestoreResult> {
  const { manifest, dataDir, note } = request;
  if (request.redis && (await answers(request.redis))) {
    throw new Error(`Redis at ${request.redis.description} is running; stop it first (on shutdown it would overwrite the restored files)`);
  }
  if (!existsSync(dataDir)) throw new Error(`--data-dir ${dataDir} does not exist`);
  requireFreeSpace(dataDir, 2 * manifest.files.reduce((sum, f) => sum + f.plainBytes, 0), `restoring Redis backup ${manifest.id}`);
  const scratch = scratchDir(".restore", dataDir);
  try {
    await downloadFiles(request.store, backupFolder("redis", manifest.id), manifest.files, scratch.path, request.key, `redis: downloading ${manifest.id}`, note);
    const rdb = join(scratch.path, REDIS_FILES.rdb);
    await verify("redis-check-rdb", rdb, request.env);

    const aofDir = join(scratch.path, REDIS_FILES.aofDir);
    const backupHasAof = manifest.source["aof"] === true && existsSync(aofDir);
    const manifestName = `${request.appendfilename}.manifest`;
    if (!backupHasAof) {
      const layout = aofFromRdb(request.appendfilename);
      mkdirSync(aofDir, { mode: 0o700 });
      copyFileSync(rdb, join(aofDir, layout.base));
      writeFileSync(join(aofDir, layout.incr), "");
      writeFileSync(join(aofDir, layout.manifestName), layout.manifest);
    } else if (!existsSync(join(aofDir, manifestName))) {
      throw new Error(`the backup's AOF has no ${manifestName}; pass the appendfilename it was taken with (--appendfilename)`);
    }
    await verify("redis-check-aof", join(aofDir, manifestName), request.env);

    const stamp = (request.now?.() ?? new Date()).toISOString().replaceAll(":", "");
    const movedAside: string[] = [];
    const targets = [join(dataDir, request.dbfilename), join(dataDir, request.appenddirname)];
    for (const path of targets) {
      if (!existsSync(path)) continue;
      const aside = `${path}.before-restore-${stamp}`;
      renameSync(path, aside);
      movedAside.push(aside);
    }
    renameSync(rdb, targets[0]!);
    renameSync(aofDir, targets[1]!);
    chownLike(dataDir, targets);
    return { id: manifest.id, keys: Number(manifest.source["keys"] ?? 0), aofSource: backupHasAof ? "backup" : "rdb", movedAside };
  } finally {
    scratch.remove();
  }
}
