import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGSODIUM_KEY_FILE } from "../../scripts/backup/logical-dump.js";
import type { BackupManifest } from "../../scripts/backup/manifest.js";
import { backupCliEnv, launchCli, type CliRun } from "../support/cli-process.js";
import { clusterOwner, startPostgres, type PostgresServer } from "../support/postgres.js";

const KEY = "pgsodium-key-test-secret-0123456789abcdef";
const TIMEOUT = 90_000;

/**
 * The pgsodium root key lives outside the data directory (the image's pgsodium volume): the logical backup reads it
 * through the server, stores it encrypted beside the dump, and `restore -- pgsodium-key` writes it back.
 */
describe("the pgsodium root key backed up with the database", () => {
  const owner = clusterOwner();
  let server: PostgresServer;
  let work: string;
  let keyPath: string;
  const rootKey = `${randomBytes(32).toString("hex")}\n`;

  const cli = (script: string, args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> =>
    launchCli(script, args, {
      env: {
        ...backupCliEnv(server, work, KEY),
        BACKUP_DEST: join(work, "dest"),
        PGSODIUM_ROOT_KEY_PATH: keyPath,
        ...extra,
      },
    }).done;
  const own = (path: string): void => {
    if (owner) chownSync(path, owner.uid, owner.gid);
  };
  const newestManifest = (): BackupManifest => {
    const ids = readdirSync(join(work, "dest", "logical")).sort();
    return JSON.parse(readFileSync(join(work, "dest", "logical", ids.at(-1)!, "manifest.json"), "utf8")) as BackupManifest;
  };

  beforeAll(async () => {
    server = await startPostgres();
    work = mkdtempSync(join(tmpdir(), "pgsodium-key-"));
    for (const dir of ["locks", "dest", "custom", "restored"]) {
      mkdirSync(join(work, dir));
      own(join(work, dir));
    }
    own(work);
    keyPath = join(work, "custom", "pgsodium_root.key");
    writeFileSync(keyPath, rootKey, { mode: 0o600 });
    own(keyPath);
  }, TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("reads the key through the server into the logical backup, encrypted and in the manifest", async () => {
    const run = await cli("scripts/backup.ts", ["logical"]);
    expect(run.code, run.stderr).toBe(0);
    const manifest = newestManifest();
    const file = manifest.files.find((f) => f.path === PGSODIUM_KEY_FILE);
    expect(file).toMatchObject({ plainBytes: rootKey.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.source["pgsodiumRootKey"]).toBe(true);
    const stored = readFileSync(join(work, "dest", "logical", manifest.id, `${PGSODIUM_KEY_FILE}.enc`));
    expect(stored.includes(Buffer.from(rootKey.trim()))).toBe(false);
    expect(run.stderr + run.stdout).not.toContain(rootKey.trim());
  }, TIMEOUT);

  it("writes it back with mode 0600 and the directory's owner, and leaves an identical key alone", async () => {
    const out = join(work, "restored", "pgsodium_root.key");
    const run = await cli("scripts/restore.ts", ["pgsodium-key", "latest", "--out", out, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, outcome: "written", bytes: rootKey.length });
    expect(readFileSync(out, "utf8")).toBe(rootKey);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(out).uid).toBe(statSync(join(work, "restored")).uid);
    const again = await cli("scripts/restore.ts", ["pgsodium-key", "latest", "--out", out, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, outcome: "unchanged" });
  }, TIMEOUT);

  it("refuses to replace a different key without --force, and keeps the replaced one aside with it", async () => {
    const out = join(work, "restored", "pgsodium_root.key");
    const other = `${randomBytes(32).toString("hex")}\n`;
    writeFileSync(out, other, { mode: 0o600 });
    own(out);
    const refused = await cli("scripts/restore.ts", ["pgsodium-key", "latest", "--out", out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/holds a different key; .*--force/);
    expect(readFileSync(out, "utf8")).toBe(other);
    const forced = await cli("scripts/restore.ts", ["pgsodium-key", "latest", "--out", out, "--force", "--json"]);
    expect(forced.code, forced.stderr).toBe(0);
    const result = JSON.parse(forced.stdout) as { movedAside: string };
    expect(readFileSync(out, "utf8")).toBe(rootKey);
    expect(readFileSync(result.movedAside, "utf8")).toBe(other);
  }, TIMEOUT);

  it("backs up a server without a key, and says so instead of writing one", async () => {
    const run = await cli("scripts/backup.ts", ["logical"], { PGSODIUM_ROOT_KEY_PATH: join(work, "custom", "absent.key") });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/no pgsodium root key at .*absent\.key/);
    const manifest = newestManifest();
    expect(manifest.files.map((f) => f.path)).not.toContain(PGSODIUM_KEY_FILE);
    expect(manifest.source["pgsodiumRootKey"]).toBe(false);
    const restore = await cli("scripts/restore.ts", ["pgsodium-key", manifest.id, "--out", join(work, "restored", "from-keyless.key")]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/holds no pgsodium root key/);
    const usage = await cli("scripts/restore.ts", ["pgsodium-key", "latest"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--out PATH/);
  }, TIMEOUT);
});
