import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_METRICS } from "../../stacks/monitoring/backup-metrics.js";
import { freePort } from "../../scripts/lib/free-port.js";
import { s3ClientConfig, s3Store } from "../../scripts/backup/store-s3.js";
import type { BackupStore } from "../../scripts/backup/store.js";
import { backupCliEnv, launchCli, type CliRun } from "../support/cli-process.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { clusterOwner, queryRows, startPostgres, type PostgresServer } from "../support/postgres.js";
import { startPushgateway, type PushgatewayServer } from "../support/pushgateway.js";
import { startS3Server, type S3Server } from "../support/s3.js";

const KEY = "s3-logical-backup-secret-0123456789abcdef";
const PREFIX = "supabase/test";
const TIMEOUT = 90_000;
const DUMP_BUFFER = 64 * 1024 * 1024;

const FIXTURE = `
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text UNIQUE NOT NULL);
CREATE TABLE public.todos (id bigserial PRIMARY KEY, owner uuid NOT NULL REFERENCES auth.users(id), title text NOT NULL);
INSERT INTO auth.users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 200) g;
INSERT INTO public.todos (owner, title) SELECT u.id, md5(g::text || u.email) FROM auth.users u, generate_series(1, 100) g;
`;

describe("logical backups to S3 (s3rver over verified HTTPS) through the backup and restore CLIs", () => {
  let server: PostgresServer;
  let s3: S3Server;
  let gateway: PushgatewayServer;
  let store: BackupStore;
  let client: S3Client;
  let work: string;
  let sourceUrl: string;
  let env: Record<string, string>;
  let firstId: string;
  const labels = { job: "supabase_backup", kind: "logical", env: "test" };

  const cli = (script: string, args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> => launchCli(script, args, { env: { ...env, ...extra } }).done;

  const query = queryRows;

  /** pg_dump of a database without its random \restrict keys. */
  const dump = (url: string): string => {
    const run = spawnSync(join(server.binDir, "pg_dump"), ["--no-comments", url], { encoding: "utf8", maxBuffer: DUMP_BUFFER });
    if (run.status !== 0) throw new Error(`pg_dump failed: ${run.error?.message ?? run.stderr}`);
    return run.stdout.replace(/^\\(un)?restrict .*$/gm, "");
  };

  /** Keys of the complete backups in the bucket: those whose manifest was written. */
  const manifests = async (): Promise<string[]> => (await store.list("logical/")).map((o) => o.key).filter((k) => k.endsWith("/manifest.json"));

  /** Expects a failed run: exit 1, success 0 pushed, last success unchanged, the complete backups unchanged. */
  const expectFailure = async (run: CliRun, lastSuccess: number | undefined, complete: string[]): Promise<void> => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/logical: failed: /);
    expect(await gateway.value(BACKUP_METRICS.success, labels)).toBe(0);
    expect(await gateway.value(BACKUP_METRICS.lastSuccess, labels)).toBe(lastSuccess);
    expect(await manifests()).toEqual(complete);
  };

  beforeAll(async () => {
    server = await startPostgres();
    s3 = await startS3Server();
    gateway = await startPushgateway();
    client = new S3Client({ ...s3ClientConfig(s3.env), requestHandler: { httpsAgent: new Agent({ ca: s3.ca, keepAlive: true }) } });
    store = s3Store(client, s3.bucket, PREFIX);
    work = mkdtempSync(join(tmpdir(), "s3-logical-"));
    mkdirSync(join(work, "locks"));
    const owner = clusterOwner();
    if (owner) for (const path of [work, join(work, "locks")]) chownSync(path, owner.uid, owner.gid);
    sourceUrl = server.createDatabase("source");
    await query(sourceUrl, FIXTURE);
    env = {
      ...s3.env,
      ...backupCliEnv(server, work, KEY, sourceUrl),
      BACKUP_DEST: `s3://${s3.bucket}/${PREFIX}`,
      PUSHGATEWAY_URL: gateway.url,
      BACKUP_ENV: "test",
    };
  }, TIMEOUT);

  afterAll(async () => {
    client?.destroy();
    await gateway?.stop();
    await s3?.stop();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("uploads an encrypted backup to the bucket and restores it from there: same rows, same pg_dump", async () => {
    const backup = await cli("scripts/backup.ts", ["logical", "--json"]);
    expect(backup.code, backup.stderr).toBe(0);
    firstId = (JSON.parse(backup.stdout) as { results: { id: string }[] }).results[0]!.id;
    const written = s3.requests().filter((r) => r.operation === "PutObject").map((r) => r.key);
    expect(written).toContain(`${PREFIX}/logical/${firstId}/manifest.json`);
    expect(written.every((key) => key.startsWith(`${PREFIX}/logical/${firstId}/`))).toBe(true);
    expect(await gateway.value(BACKUP_METRICS.success, labels)).toBe(1);

    const restore = await cli("scripts/restore.ts", ["logical", "latest", "--target-db", "from_s3", "--json"]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ id: firstId });
    expect(s3.requests().some((r) => r.operation === "GetObject" && r.key.startsWith(`${PREFIX}/logical/${firstId}/`))).toBe(true);
    expect(await query(server.urlFor("from_s3"), "SELECT (SELECT count(*)::int FROM auth.users) AS users, (SELECT count(*)::int FROM public.todos) AS todos")).toEqual([{ users: 200, todos: 20000 }]);
    expect(dump(server.urlFor("from_s3"))).toBe(dump(sourceUrl));
  }, TIMEOUT);

  it("fails on an unreachable endpoint: exit 1, success 0 pushed, last success kept, earlier backups intact", async () => {
    const lastSuccess = await gateway.value(BACKUP_METRICS.lastSuccess, labels);
    const complete = await manifests();
    const run = await cli("scripts/backup.ts", ["logical"], { BACKUP_S3_ENDPOINT: `https://127.0.0.1:${await freePort()}` });
    await expectFailure(run, lastSuccess, complete);
    expect(run.stdout + run.stderr).toMatch(/ECONNREFUSED/);
  }, TIMEOUT);

  it("fails when connections drop mid-upload, and latest still restores the earlier backup", async () => {
    const lastSuccess = await gateway.value(BACKUP_METRICS.lastSuccess, labels);
    const complete = await manifests();
    const proxy = await startFaultProxy(s3.port, 64 * 1024);
    try {
      const run = await cli("scripts/backup.ts", ["logical"], { BACKUP_S3_ENDPOINT: `https://127.0.0.1:${proxy.port}` });
      await expectFailure(run, lastSuccess, complete);
      expect(run.stdout).toMatch(/ECONNRESET|EPIPE/);
      expect(proxy.resets).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
    const restore = await cli("scripts/restore.ts", ["logical", "latest", "--target-db", "after_faults", "--json"]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ id: firstId });
    expect(dump(server.urlFor("after_faults"))).toBe(dump(sourceUrl));
  }, TIMEOUT);
});
