import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBackupCli } from "../../scripts/backup/backup-cli.js";
import type { CliOutput } from "../../scripts/backup/output.js";
import { runRestoreCli } from "../../scripts/backup/restore-cli.js";
import { runVerifyCli } from "../../scripts/backup/verify-cli.js";

type Cli = (argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput) => Promise<number>;

async function run(cli: Cli, argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, env, { note: (l) => err.push(l), result: (t) => out.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const runBackup = (argv: string[], env: Record<string, string | undefined>) => run(runBackupCli, argv, env);

const SECRETS = {
  DATABASE_URL: "postgresql://supabase_admin:db-secret-password@db:5432/postgres",
  PGBACKREST_REPO1_CIPHER_PASS: "cipher-secret-pass",
  BACKUP_ENCRYPTION_KEY: "encryption-secret-of-at-least-32-characters",
  REDIS_URL: "redis://:redis-secret@redis:6379/0",
  BACKUP_DEST: "s3://acme-backups/prod",
};

describe("backup command line", () => {
  it("prints help naming every target, flag and secret variable", async () => {
    const { code, out } = await run(runBackupCli, ["--help"]);
    expect(code).toBe(0);
    for (const word of ["postgres", "logical", "redis", "all", "--type", "--dest", "--dry-run", "--json", "PGBACKREST_REPO1_CIPHER_PASS", "BACKUP_ENCRYPTION_KEY", "PUSHGATEWAY_URL"]) expect(out).toContain(word);
  });

  it("names the flag, the value and what is allowed, and exits 2", async () => {
    expect(await run(runBackupCli, ["postgres", "--type", "weekly"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("--type: got 'weekly'; expected one of full, diff, incr") });
    expect(await run(runBackupCli, ["everything"])).toMatchObject({ code: 2, err: expect.stringContaining("got 'everything'; expected one of postgres, logical, redis, all") });
    expect(await run(runBackupCli, ["logical", "--jobs", "0"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("--jobs: got '0'; expected a whole number from 1 to 64") });
    expect(await run(runBackupCli, ["logical"], { ...SECRETS, BACKUP_KEEP_DAYS: "two weeks" })).toMatchObject({ code: 2, err: expect.stringContaining("BACKUP_KEEP_DAYS (the default of --keep-days): got 'two weeks'") });
  });

  it("refuses to run without the secrets, naming the variable and never printing a secret", async () => {
    const noCipher = await run(runBackupCli, ["postgres"], { ...SECRETS, PGBACKREST_REPO1_CIPHER_PASS: undefined });
    expect(noCipher).toMatchObject({ code: 2, err: expect.stringContaining("set PGBACKREST_REPO1_CIPHER_PASS (or PGBACKREST_REPO1_CIPHER_PASS_FILE)") });
    const noKey = await run(runBackupCli, ["all"], { ...SECRETS, BACKUP_ENCRYPTION_KEY: undefined });
    expect(noKey).toMatchObject({ code: 2, err: expect.stringContaining("set BACKUP_ENCRYPTION_KEY") });
    const noDest = await run(runBackupCli, ["redis"], { ...SECRETS, BACKUP_DEST: undefined });
    expect(noDest).toMatchObject({ code: 2, err: expect.stringContaining("pass --dest (s3://bucket/prefix or a directory path) or set BACKUP_DEST") });
    for (const r of [noCipher, noKey, noDest]) for (const secret of ["db-secret-password", "cipher-secret-pass", "encryption-secret", "redis-secret"]) expect(r.err + r.out).not.toContain(secret);
  });

  it("exits 3 without touching anything while another run of the same job holds its lock", async () => {
    const locks = mkdtempSync(join(tmpdir(), "backup-locks-"));
    try {
      writeFileSync(join(locks, "backup-logical.lock"), String(process.pid));
      const run = await runBackup(["logical", "--dest", join(locks, "dest")], { ...SECRETS, BACKUP_LOCK_DIR: locks });
      expect(run).toMatchObject({ code: 3, err: expect.stringContaining(`another run holds ${join(locks, "backup-logical.lock")} (pid ${process.pid})`) });
    } finally {
      rmSync(locks, { recursive: true, force: true });
    }
  });

  it("requires the env label when results are pushed", async () => {
    expect(await run(runBackupCli, ["postgres"], { ...SECRETS, PUSHGATEWAY_URL: "http://pushgateway:9091" })).toMatchObject({ code: 2, err: expect.stringContaining("BACKUP_ENV") });
  });

  it("prints the plan of every job with --dry-run, without secrets, and changes nothing", async () => {
    const { code, out } = await run(runBackupCli, ["all", "--dry-run", "--json", "--type", "full"], SECRETS);
    expect(code).toBe(0);
    const plans = JSON.parse(out).plans as { kind: string; steps: string[] }[];
    expect(plans.map((p) => p.kind)).toEqual(["physical", "logical", "redis"]);
    expect(plans[0]!.steps.join("\n")).toContain("--type=full");
    for (const secret of ["db-secret-password", "cipher-secret-pass", "encryption-secret", "redis-secret"]) expect(out).not.toContain(secret);
  });
});

describe("restore command line", () => {
  it("needs exactly one of --to-time and --latest, with an offset in the time", async () => {
    const env = { ...SECRETS, PGDATA: "/tmp/nowhere" };
    expect(await run(runRestoreCli, ["postgres"], env)).toMatchObject({ code: 2, err: expect.stringContaining("exactly one of --to-time <RFC 3339 time> and --latest") });
    expect(await run(runRestoreCli, ["postgres", "--latest", "--to-time", "2026-01-01T00:00:00Z"], env)).toMatchObject({ code: 2 });
    expect(await run(runRestoreCli, ["postgres", "--to-time", "2026-01-01T12:00:00"], env)).toMatchObject({ code: 2, err: expect.stringContaining("expected an RFC 3339 time with an offset") });
  });

  it("names backups by id or latest and keeps each kind's flags to itself", async () => {
    expect(await run(runRestoreCli, ["logical"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("an id from the destination, or latest") });
    expect(await run(runRestoreCli, ["logical", "yesterday"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("got backup id 'yesterday'") });
    expect(await run(runRestoreCli, ["redis", "latest", "--pg-data", "/x"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("--pg-data applies to 'restore postgres' only") });
    expect(await run(runRestoreCli, ["redis", "latest"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("pass --data-dir") });
  });

  it("prints help for every kind", async () => {
    const { code, out } = await run(runRestoreCli, ["--help"]);
    expect(code).toBe(0);
    for (const word of ["--to-time", "--latest", "--delta", "--no-archive", "--target-db", "--data-dir", "AOF wins"]) expect(out).toContain(word);
  });
});

describe("drill command line", () => {
  it("prints help and rejects unknown flags", async () => {
    expect((await run(runVerifyCli, ["--help"])).out).toContain("amcheck");
    expect(await run(runVerifyCli, ["--timeout", "soon"], SECRETS)).toMatchObject({ code: 2, err: expect.stringContaining("--timeout: got 'soon'") });
  });
});
