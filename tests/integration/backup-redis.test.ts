import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import type { BackupManifest } from "../../scripts/backup/manifest.js";
import { startRedis, type RedisServer } from "../support/redis.js";

const KEY = "redis-backup-test-secret-0123456789abcdefgh";
const TIMEOUT = 60_000;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("Redis backups: BGSAVE, RDB and AOF copies, verification, and restores where the AOF wins", () => {
  let work: string;
  let dest: string;
  const servers: RedisServer[] = [];

  const cli = (script: string, args: readonly string[], redis: RedisServer): Promise<CliRun> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env["PATH"], HOME: work, REDIS_URL: redis.url, BACKUP_ENCRYPTION_KEY: KEY, BACKUP_DEST: dest, BACKUP_LOCK_DIR: join(work, "locks") },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  const backup = async (redis: RedisServer, extra: string[] = []): Promise<BackupManifest> => {
    const run = await cli("scripts/backup.ts", ["redis", "--json", ...extra], redis);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const id = (JSON.parse(run.stdout) as { results: { id: string }[] }).results[0]!.id;
    return JSON.parse(readFileSync(join(dest, "redis", id, "manifest.json"), "utf8")) as BackupManifest;
  };

  const fill = async (redis: RedisServer, prefix: string, count: number): Promise<void> => {
    const client = await redis.client();
    const pipeline = client.pipeline();
    for (let i = 0; i < count; i++) pipeline.set(`${prefix}:${i}`, `value-${i}`);
    await pipeline.exec();
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "redis-backup-test-"));
    dest = join(work, "dest");
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("backs up RDB and AOF after a fresh BGSAVE, checks both, and restores the AOF setting", async () => {
    const redis = await startRedis(true);
    servers.push(redis);
    await fill(redis, "user", 500);
    const client = await redis.client();
    const lastSave = await client.lastsave();
    const manifest = await backup(redis);
    expect(await client.lastsave()).toBeGreaterThan(lastSave);
    expect(manifest).toMatchObject({ kind: "redis", verified: true, checks: ["redis-check-rdb", "redis-check-aof"], source: { aof: true, method: "bgsave+copy", keys: 500 } });
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(["dump.rdb", "appendonlydir/appendonly.aof.manifest"]));
    expect(await client.config("GET", "auto-aof-rewrite-percentage")).toEqual(["auto-aof-rewrite-percentage", "100"]);
  }, TIMEOUT);

  it("refuses to restore while Redis runs, then restores the backup over newer data", async () => {
    const redis = servers[0]!;
    const client = await redis.client();
    const refused = await cli("scripts/restore.ts", ["redis", "latest", "--data-dir", redis.dataDir], redis);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is running; stop it first/);

    await client.flushall();
    await fill(redis, "newer", 10);
    await redis.shutdown();
    const run = await cli("scripts/restore.ts", ["redis", "latest", "--data-dir", redis.dataDir, "--json"], redis);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, keys: 500, aofSource: "backup" });
    expect(readdirSync(redis.dataDir).filter((f) => f.includes(".before-restore-"))).toHaveLength(2);
    await redis.start(true);
    const restored = await redis.client();
    expect(await restored.dbsize()).toBe(500);
    expect(await restored.get("user:42")).toBe("value-42");
    expect(await restored.exists("newer:1")).toBe(0);
  }, TIMEOUT);

  it("restores an RDB-only backup into a server with appendonly yes, where a plain dump.rdb would be ignored", async () => {
    const redis = await startRedis(false);
    servers.push(redis);
    await fill(redis, "session", 300);
    const manifest = await backup(redis);
    expect(manifest.source).toMatchObject({ aof: false, keys: 300 });

    await redis.shutdown();
    await redis.start(true);
    expect(await (await redis.client()).dbsize()).toBe(0);
    await fill(redis, "stale", 5);
    await redis.shutdown();

    const run = await cli("scripts/restore.ts", ["redis", manifest.id, "--data-dir", redis.dataDir, "--json"], redis);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ aofSource: "rdb" });
    await redis.start(true);
    const withAof = await redis.client();
    expect(await withAof.dbsize()).toBe(300);
    expect(await withAof.exists("stale:1")).toBe(0);
    await redis.shutdown();
    await redis.start(false);
    expect(await (await redis.client()).dbsize()).toBe(300);
  }, TIMEOUT);

  it("pulls a fresh RDB over replication when Redis's directory is not mounted here", async () => {
    const redis = servers[1]!;
    const manifest = await backup(redis, ["--redis-data-dir", join(work, "not-mounted")]);
    expect(manifest.source).toMatchObject({ method: "replication", aof: false });
    expect(existsSync(join(dest, "redis", manifest.id, "dump.rdb.enc"))).toBe(true);
  }, TIMEOUT);
});
