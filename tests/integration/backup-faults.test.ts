import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_METRICS, DRILL_METRICS } from "../../stacks/monitoring/backup-metrics.js";
import { freePort } from "../../scripts/lib/free-port.js";
import { pgbackrestFromEnv, stanzaInfo } from "../../scripts/backup/pgbackrest.js";
import { startScratchCluster } from "../../scripts/backup/scratch-postgres.js";
import { requireBinary } from "../support/binaries.js";
import { archiveNow, queryRows, type PostgresServer } from "../support/postgres.js";
import { startPushgateway, type PushgatewayServer } from "../support/pushgateway.js";
import { startS3Server, type S3Server } from "../support/s3.js";
import { launchCli, type CliRun } from "../support/cli-process.js";
import { startArchivingCluster } from "../support/pgbackrest.js";

const CIPHER = "faults-cipher-pass-0123456789abcdef0123456789";
const KEY = "faults-logical-secret-0123456789abcdef0123";
const ARCHIVE_TIMEOUT_SECONDS = 10;
const REPO_SIZE = "48m";
const STEP_TIMEOUT = 90_000;


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("backup faults on real PostgreSQL 15, pgBackRest and Pushgateway: each fails loudly and loses nothing", () => {
  let server: PostgresServer;
  let gateway: PushgatewayServer;
  let s3: S3Server;
  let work: string;
  let repo: string;
  let configPath: string;
  let env: Record<string, string>;
  let s3Env: Record<string, string>;
  let mounted = false;
  const physical = { job: "supabase_backup", kind: "physical", env: "test" };
  const logical = { job: "supabase_backup", kind: "logical", env: "test" };
  const drill = { job: "supabase_backup", env: "test" };

  const launch = (script: string, args: readonly string[], extra: Record<string, string> = {}) => launchCli(script, args, { env: { ...env, ...extra } });
  const cli = (script: string, args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> => launch(script, args, extra).done;

  const query = <T extends pg.QueryResultRow>(sql: string, connection: pg.ClientConfig = { connectionString: server.url }): Promise<T[]> => queryRows<T>(connection, sql);

  const archive = (): Promise<string> => archiveNow(server.url);

  const labels = async (): Promise<string[]> => (await stanzaInfo(pgbackrestFromEnv(env, { configPath, stanza: "main" }))).backups.map((b) => b.label);

  /** Restores into a new directory, starts it and returns the number of `events` rows, or throws when it cannot start. */
  const restoredEvents = async (name: string, args: readonly string[]): Promise<number> => {
    const dataDir = join(work, name);
    const restore = await cli("scripts/restore.ts", ["postgres", ...args, "--pg-data", dataDir, "--no-archive"]);
    expect(restore.code, restore.stderr).toBe(0);
    const cluster = await startScratchCluster({ dataDir, user: server.superuser, env: { PG_BIN_DIR: server.binDir, PATH: env["PATH"]! }, serverEnv: { PGBACKREST_REPO1_CIPHER_PASS: CIPHER }, timeoutSeconds: 60 });
    try {
      const libpq = cluster.target("postgres").libpqEnv;
      const [{ n }] = (await query<{ n: number }>("SELECT count(*)::int AS n FROM events", { host: libpq["PGHOST"], port: Number(libpq["PGPORT"]), user: server.superuser, database: "postgres" })) as [{ n: number }];
      return n;
    } finally {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  /** Expects a failed run: non-zero exit, success 0 pushed, last success unchanged. */
  const expectFailure = async (run: CliRun, series: typeof BACKUP_METRICS | typeof DRILL_METRICS, group: Record<string, string>, lastSuccess: number | undefined): Promise<void> => {
    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(await gateway.value(series.success, group)).toBe(0);
    expect(await gateway.value(series.lastSuccess, group)).toBe(lastSuccess);
  };

  beforeAll(async () => {
    requireBinary("pgbackrest", "pgbackrest");
    work = mkdtempSync(join(tmpdir(), "backup-faults-"));
    repo = join(work, "repo");
    mkdirSync(repo);
    mounted = process.getuid?.() === 0 && spawnSync("mount", ["-t", "tmpfs", "-o", `size=${REPO_SIZE}`, "tmpfs", repo]).status === 0;
    const cluster = await startArchivingCluster(work, ARCHIVE_TIMEOUT_SECONDS, CIPHER);
    ({ server, configPath } = cluster);
    gateway = await startPushgateway();
    s3 = await startS3Server();
    env = {
      ...cluster.cliEnv,
      BACKUP_ENCRYPTION_KEY: KEY,
      PUSHGATEWAY_URL: gateway.url,
      BACKUP_ENV: "test",
      DRILL_PGUSER: server.superuser,
    };
    s3Env = { ...s3.env };
    await query("CREATE TABLE events (id bigserial PRIMARY KEY, phase text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    await query("INSERT INTO events (phase) SELECT 'base' FROM generate_series(1, 1000)");
    const full = await cli("scripts/backup.ts", ["postgres", "--type", "full"]);
    expect(full.code, full.stderr).toBe(0);
    const dump = await cli("scripts/backup.ts", ["logical", "--dest", `s3://${s3.bucket}/faults`], s3Env);
    expect(dump.code, dump.stderr).toBe(0);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await s3?.stop();
    await gateway?.stop();
    await server?.stop();
    if (mounted) spawnSync("umount", ["-l", repo]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("refuses a concurrent run of the same job with exit 3, and the first run still succeeds", async () => {
    const first = launch("scripts/backup.ts", ["postgres", "--type", "incr"]);
    const lock = join(work, "locks", "backup-physical.lock");
    for (let waited = 0; !existsSync(lock); waited += 20) {
      if (waited > 30_000) throw new Error(`the first run never took ${lock}`);
      await sleep(20);
    }
    first.child.kill("SIGSTOP");
    try {
      const second = await cli("scripts/backup.ts", ["postgres", "--type", "incr"]);
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/another run holds .*backup-physical\.lock/);
    } finally {
      first.child.kill("SIGCONT");
    }
    expect((await first.done).code).toBe(0);
  }, STEP_TIMEOUT);

  it("fails on a full disk (repository on a 48 MB tmpfs), and the repository stays usable", async () => {
    expect(mounted, `mounting a ${REPO_SIZE} tmpfs for the repository failed: the suite must run as root (bash tests/run-all.sh)`).toBe(true);
    const lastSuccess = await gateway.value(BACKUP_METRICS.lastSuccess, physical);
    const before = await labels();
    const filler = join(repo, "filler");
    const { bavail, bsize } = statfsSync(repo);
    spawnSync("fallocate", ["-l", String(Math.max(0, bavail * bsize - 256 * 1024)), filler]);
    try {
      const run = await cli("scripts/backup.ts", ["postgres", "--type", "full"]);
      await expectFailure(run, BACKUP_METRICS, physical, lastSuccess);
      expect(run.stdout + run.stderr).toMatch(/physical: failed: pgbackrest backup exited with \d+:\s+ERROR: .*unable to write/);
    } finally {
      rmSync(filler, { force: true });
    }
    expect(await labels()).toEqual(before);
  }, STEP_TIMEOUT);

  it("fails with a wrong cipher pass and leaves the repository as it was", async () => {
    const lastSuccess = await gateway.value(BACKUP_METRICS.lastSuccess, physical);
    const before = await labels();
    const run = await cli("scripts/backup.ts", ["postgres", "--type", "incr"], { PGBACKREST_REPO1_CIPHER_PASS: "a-wrong-cipher-pass-0123456789abcdef0123456789" });
    await expectFailure(run, BACKUP_METRICS, physical, lastSuccess);
    expect(run.stdout).toMatch(/physical: failed: the pgBackRest repository of stanza 'main' cannot be read \(a wrong cipher pass .*\): \[FormatError\] unable to load info file/);
    expect(await labels()).toEqual(before);
  }, STEP_TIMEOUT);

  it("fails the restore drill on a corrupted repository file, keeping the last drill success", async () => {
    const good = await cli("scripts/backup-verify.ts", []);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    const lastSuccess = await gateway.value(DRILL_METRICS.lastSuccess, drill);
    const newest = (await labels()).at(-1)!;
    const files = readdirSync(join(repo, "backup", "main", newest), { recursive: true })
      .map((f) => join(repo, "backup", "main", newest, String(f)))
      .filter((f) => statSync(f).isFile() && !f.includes("backup.manifest"))
      .sort((a, b) => statSync(b).size - statSync(a).size);
    const file = files[0]!;
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    for (let i = 64; i < damaged.length; i += 97) damaged[i]! ^= 0x5a;
    writeFileSync(file, damaged);
    try {
      const run = await cli("scripts/backup-verify.ts", []);
      await expectFailure(run, DRILL_METRICS, drill, lastSuccess);
      expect(run.stdout).toMatch(/backup:verify FAILED: /);
    } finally {
      writeFileSync(file, original);
    }
  }, STEP_TIMEOUT);

  it("fails a logical upload to an unreachable S3 endpoint, and the earlier upload still restores", async () => {
    const lastSuccess = await gateway.value(BACKUP_METRICS.lastSuccess, logical);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await cli("scripts/backup.ts", ["logical", "--dest", `s3://${s3.bucket}/faults`], { ...s3Env, BACKUP_S3_ENDPOINT: closed });
    await expectFailure(run, BACKUP_METRICS, logical, lastSuccess);
    expect(run.stdout).toMatch(/logical: failed: /);
    const restore = await cli("scripts/restore.ts", ["logical", "latest", "--from", `s3://${s3.bucket}/faults`, "--target-db", "from_s3"], s3Env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await query<{ n: number }>("SELECT count(*)::int AS n FROM events", { connectionString: server.urlFor("from_s3") })).toEqual([{ n: 1000 }]);
  }, STEP_TIMEOUT);

  it("still restores the earlier good backups after every fault, to the end of the archived WAL", async () => {
    expect(await restoredEvents("after-faults", ["--latest"])).toBe(1000);
  }, STEP_TIMEOUT);

  let lost: string | undefined;

  it("refuses --latest past a missing WAL segment, naming it, and changes nothing; a time before it restores, a time past it cannot be reached, and --accept-wal-gap recovers up to it", async () => {
    await query("INSERT INTO events (phase) SELECT 'before-gap' FROM generate_series(1, 100)");
    const [{ beforeGap }] = (await query<{ beforeGap: Date }>("SELECT clock_timestamp() AS \"beforeGap\"")) as [{ beforeGap: Date }];
    await sleep(50);
    await query("INSERT INTO events (phase) VALUES ('ends-recovery-before-the-gap')");
    await archive();
    await query("INSERT INTO events (phase) SELECT 'in-gap' FROM generate_series(1, 100)");
    lost = await archive();
    await query("INSERT INTO events (phase) SELECT 'after-gap' FROM generate_series(1, 100)");
    const [{ afterGap }] = (await query<{ afterGap: Date }>("SELECT clock_timestamp() AS \"afterGap\"")) as [{ afterGap: Date }];
    await sleep(50);
    await query("INSERT INTO events (phase) VALUES ('ends-recovery-after-the-gap')");
    await archive();
    const archiveDir = join(repo, "archive", "main");
    const segment = readdirSync(archiveDir, { recursive: true }).map(String).find((f) => f.includes(`${lost}-`));
    expect(segment, `segment ${lost} in the archive`).toBeDefined();
    rmSync(join(archiveDir, segment!));

    const refused = join(work, "latest-refused");
    for (const extra of [["--dry-run"], []]) {
      const run = await cli("scripts/restore.ts", ["postgres", "--latest", ...extra, "--pg-data", refused, "--no-archive"]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stderr).toContain(`--latest: WAL segment ${lost} is missing from archive 15-1: WAL is complete from backup `);
      expect(run.stderr).toMatch(/to [0-9A-F]{24}, archived at \S+Z; the archive goes on to [0-9A-F]{24}\. Recovery would stop at the gap/);
      expect(run.stderr).toMatch(/--to-time <RFC 3339 time before \S+Z>\n.*--latest --accept-wal-gap/);
      expect(run.stdout).not.toMatch(/ok: true|dryRun/);
    }
    expect(existsSync(refused)).toBe(false);

    await expect(restoredEvents("past-gap", ["--to-time", afterGap.toISOString()])).rejects.toThrow(/recovery ended before configured recovery target was reached/);
    expect(await restoredEvents("before-gap", ["--to-time", beforeGap.toISOString()])).toBe(1100);
    expect(await restoredEvents("up-to-gap", ["--latest", "--accept-wal-gap"])).toBe(1101);
  }, STEP_TIMEOUT);

  it("fails the restore drill when a WAL segment after the backup is missing, naming it, keeping the last drill success; a new full backup clears it", async () => {
    expect(lost, "the previous test removed a segment").toBeDefined();
    const lastSuccess = await gateway.value(DRILL_METRICS.lastSuccess, drill);
    const run = await cli("scripts/backup-verify.ts", []);
    await expectFailure(run, DRILL_METRICS, drill, lastSuccess);
    expect(run.stdout).toContain(`backup:verify FAILED: WAL segment ${lost} is missing from archive 15-1`);

    const full = await cli("scripts/backup.ts", ["postgres", "--type", "full"]);
    expect(full.code, full.stderr).toBe(0);
    await archive();
    const again = await cli("scripts/backup-verify.ts", []);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await gateway.value(DRILL_METRICS.success, drill)).toBe(1);
  }, STEP_TIMEOUT);
});
