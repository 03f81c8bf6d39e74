import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { newBackupId } from "../../scripts/backup/backup-id.js";
import type { BackupManifest } from "../../scripts/backup/manifest.js";
import { backupCliEnv } from "../support/cli-process.js";
import { queryRows, startPostgres, type PostgresServer } from "../support/postgres.js";

const KEY = "logical-backup-test-secret-0123456789abcdef";
const APP_PASSWORD = "app-user-password-42";
const TIMEOUT = 90_000;

/** A Supabase-shaped database: reserved roles, a login role with a password, auth and public schemas, RLS, a trigger. */
const FIXTURE = `
CREATE ROLE anon NOLOGIN;
CREATE ROLE authenticated NOLOGIN;
CREATE ROLE app_user LOGIN PASSWORD '${APP_PASSWORD}';
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text UNIQUE NOT NULL);
CREATE TABLE public.todos (id bigserial PRIMARY KEY, owner uuid NOT NULL REFERENCES auth.users(id), title text NOT NULL, done boolean NOT NULL DEFAULT false, updated_at timestamptz);
CREATE INDEX todos_owner ON public.todos (owner);
ALTER TABLE public.todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_todos ON public.todos FOR ALL TO authenticated USING (owner = current_setting('request.jwt.claim.sub', true)::uuid);
GRANT SELECT, INSERT ON public.todos TO authenticated;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER todos_touch BEFORE UPDATE ON public.todos FOR EACH ROW EXECUTE FUNCTION public.touch();
INSERT INTO auth.users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 200) g;
INSERT INTO public.todos (owner, title) SELECT u.id, 'task ' || g FROM auth.users u, generate_series(1, 25) g;
`;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("logical backups: Supabase-aware dump, encryption, upload, retention and restore", () => {
  let server: PostgresServer;
  let work: string;
  let dest: string;
  let sourceUrl: string;

  const cli = (script: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], {
        cwd: REPO_ROOT,
        env: { ...backupCliEnv(server, work, KEY, sourceUrl), ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  const query = queryRows;

  const manifests = (root: string): BackupManifest[] =>
    readdirSync(join(root, "logical"))
      .filter((id) => existsSync(join(root, "logical", id, "manifest.json")))
      .sort()
      .map((id) => JSON.parse(readFileSync(join(root, "logical", id, "manifest.json"), "utf8")) as BackupManifest);

  beforeAll(async () => {
    server = await startPostgres();
    work = mkdtempSync(join(tmpdir(), "logical-test-"));
    dest = join(work, "dest");
    sourceUrl = server.createDatabase("source");
    await query(sourceUrl, FIXTURE);
  }, TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("dumps roles, schema and data in one snapshot, encrypted, with a sha256 manifest written last", async () => {
    const run = await cli("scripts/backup.ts", ["logical", "--dest", dest, "--jobs", "2", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const [manifest] = manifests(dest);
    expect(manifest).toMatchObject({ kind: "logical", verified: true, rowCounts: { "auth.users": 200, "public.todos": 5000 } });
    expect(manifest!.files.map((f) => f.path)).toEqual(expect.arrayContaining(["roles.sql", "dump/toc.dat"]));
    expect(run.stderr).toMatch(/logical: uploading to .*: .* of .* \(100\.0%\), .*\/s/);
    const folder = join(dest, "logical", manifest!.id);
    expect(readFileSync(join(folder, "SHA256SUMS"), "utf8")).toContain("  roles.sql\n");
    for (const file of readdirSync(folder, { recursive: true }).map(String).filter((f) => f.endsWith(".enc"))) {
      const bytes = readFileSync(join(folder, file));
      expect(bytes.subarray(0, 8).toString("latin1")).toBe("SBKENC01");
      expect(bytes.toString("latin1")).not.toMatch(/SCRAM-SHA-256|CREATE ROLE|user1@example/);
    }
    expect(run.stdout + run.stderr).not.toContain(KEY);
  }, TIMEOUT);

  it("restores into a new database: roles with their passwords, RLS, triggers and the same row counts", async () => {
    await query(server.url, "DROP ROLE app_user");
    const run = await cli("scripts/restore.ts", ["logical", "latest", "--from", dest, "--target-db", "restored", "--jobs", "2", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const restored = server.urlFor("restored");
    expect(await query(restored, "SELECT (SELECT count(*)::int FROM auth.users) AS users, (SELECT count(*)::int FROM public.todos) AS todos")).toEqual([{ users: 200, todos: 5000 }]);
    expect(await query(restored, "SELECT polname FROM pg_policy")).toEqual([{ polname: "own_todos" }]);
    expect(await query(restored, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).toEqual([{ tgname: "todos_touch" }]);
    const login = new pg.Client({ host: "127.0.0.1", port: server.port, user: "app_user", password: APP_PASSWORD, database: "restored" });
    await login.connect();
    await login.end();
  }, TIMEOUT);

  it("refuses a target database that holds objects unless --force, and then replaces it", async () => {
    const refused = await cli("scripts/restore.ts", ["logical", "latest", "--from", dest, "--target-db", "restored"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/database 'restored' is not empty .*--force to drop and recreate it/);
    await query(server.urlFor("restored"), "DELETE FROM public.todos WHERE id % 2 = 0");
    const forced = await cli("scripts/restore.ts", ["logical", "latest", "--from", dest, "--target-db", "restored", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await query(server.urlFor("restored"), "SELECT count(*)::int AS n FROM public.todos")).toEqual([{ n: 5000 }]);
  }, TIMEOUT);

  it("fails before touching the target when a stored file was changed or the key is wrong", async () => {
    const [manifest] = manifests(dest);
    const file = join(dest, "logical", manifest!.id, "roles.sql.enc");
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    damaged[damaged.length - 20]! ^= 0xff;
    writeFileSync(file, damaged);
    try {
      const run = await cli("scripts/restore.ts", ["logical", manifest!.id, "--from", dest, "--target-db", "never_created"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/failed authentication/);
    } finally {
      writeFileSync(file, original);
    }
    const wrongKey = await cli("scripts/restore.ts", ["logical", manifest!.id, "--from", dest, "--target-db", "never_created"], { BACKUP_ENCRYPTION_KEY: "another-secret-of-at-least-32-characters!" });
    expect(wrongKey.code).toBe(1);
    expect(await query(server.url, "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'never_created'")).toEqual([{ n: 0 }]);
  }, TIMEOUT);

  it("reports a restore whose row counts differ from the backup's record", async () => {
    const [manifest] = manifests(dest);
    const path = join(dest, "logical", manifest!.id, "manifest.json");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, JSON.stringify({ ...manifest, rowCounts: { ...manifest!.rowCounts, "public.todos": 4999 } }));
    try {
      const run = await cli("scripts/restore.ts", ["logical", manifest!.id, "--from", dest, "--target-db", "mismatch"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/public\.todos: backup recorded 4999, restore has 5000/);
    } finally {
      writeFileSync(path, original);
    }
  }, TIMEOUT);

  it("expires old and incomplete backups but never the newest verified one", async () => {
    const [manifest] = manifests(dest);
    const old = (days: number) => newBackupId(new Date(Date.now() - days * 24 * 3600_000));
    for (const id of [old(40), old(30)]) {
      cpSync(join(dest, "logical", manifest!.id), join(dest, "logical", id), { recursive: true });
      writeFileSync(join(dest, "logical", id, "manifest.json"), JSON.stringify({ ...manifest, id }));
    }
    const incomplete = old(3);
    cpSync(join(dest, "logical", manifest!.id, "roles.sql.enc"), join(dest, "logical", incomplete, "roles.sql.enc"), { recursive: true });
    const run = await cli("scripts/backup.ts", ["logical", "--dest", dest, "--keep-days", "7", "--keep-min", "1", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const left = readdirSync(join(dest, "logical")).sort();
    expect(left).toHaveLength(2);
    expect(left[0]).toBe(manifest!.id);
  }, TIMEOUT);
});
