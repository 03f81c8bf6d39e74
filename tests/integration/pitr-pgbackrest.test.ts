import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_METRICS, DRILL_METRICS } from "../../stacks/monitoring/backup-metrics.js";
import { annotationArgs, decodeAnnotations, encodeAnnotations } from "../../scripts/backup/counts-annotation.js";
import { pgbackrestFromEnv, stanzaInfo } from "../../scripts/backup/pgbackrest.js";
import { startScratchCluster } from "../../scripts/backup/scratch-postgres.js";
import { requireBinary } from "../support/binaries.js";
import { archiveNow, clusterOwner, queryRows, type PostgresServer } from "../support/postgres.js";
import { startPushgateway, type PushgatewayServer } from "../support/pushgateway.js";
import { launchCli, type CliRun } from "../support/cli-process.js";
import { startArchivingCluster } from "../support/pgbackrest.js";

const CIPHER = "test-cipher-pass-0123456789abcdef0123456789";
const ARCHIVE_TIMEOUT_SECONDS = 10;
const STEP_TIMEOUT = 120_000;


/** Formats an instant as RFC 3339 with a +02:00 offset, to prove offsets are honoured. */
function rfc3339PlusTwo(date: Date): string {
  return `${new Date(date.getTime() + 2 * 3600_000).toISOString().replace("Z", "")}+02:00`;
}

describe("pgBackRest backups, point-in-time recovery and restore drills on real PostgreSQL 15", () => {
  let server: PostgresServer;
  let gateway: PushgatewayServer;
  let work: string;
  let configPath: string;
  let env: Record<string, string>;
  const owner = clusterOwner();

  const cli = (script: string, args: readonly string[], extra: Record<string, string> = {}, onStderr?: (line: string, kill: () => void) => void): Promise<CliRun> =>
    launchCli(script, args, { env: { ...env, ...extra }, ...(onStderr && { onStderr }) }).done;

  const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], connection: pg.ClientConfig = { connectionString: server.url }): Promise<T[]> => queryRows<T>(connection, sql, params);

  const archive = (): Promise<string> => archiveNow(server.url);

  const gauge = (name: string, labels: Record<string, string>) => gateway.value(name, labels);

  beforeAll(async () => {
    requireBinary("pgbackrest", "pgbackrest");
    work = mkdtempSync(join(tmpdir(), "pitr-test-"));
    const cluster = await startArchivingCluster(work, ARCHIVE_TIMEOUT_SECONDS, CIPHER);
    ({ server, configPath } = cluster);
    gateway = await startPushgateway();
    env = {
      ...cluster.cliEnv,
      PUSHGATEWAY_URL: gateway.url,
      BACKUP_ENV: "test",
      DRILL_PGUSER: server.superuser,
    };
    await query("CREATE TABLE events (id bigserial PRIMARY KEY, phase text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    await query("CREATE INDEX events_phase ON events (phase)");
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await gateway?.stop();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("takes a full backup through the CLI, records a restore point and pushes the success", async () => {
    const run = await cli("scripts/backup.ts", ["postgres", "--type", "full", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { ok: boolean; results: { kind: string; id: string; sizeBytes: number }[] };
    expect(result.ok).toBe(true);
    expect(result.results[0]).toMatchObject({ kind: "physical", id: expect.stringMatching(/^\d{8}-\d{6}F$/) });
    expect(run.stderr).toMatch(/postgres: full backup: .* of .*, .*\/s/);
    expect(run.stderr + run.stdout).not.toContain(CIPHER);

    const info = await stanzaInfo(pgbackrestFromEnv(env, { configPath, stanza: "main" }));
    expect(info.cipher).toBe("aes-256-cbc");
    expect(decodeAnnotations(info.backups.at(-1)!.annotations)?.counts).toEqual({ "public.events": 0 });

    const labels = { job: "supabase_backup", kind: "physical", env: "test" };
    expect(await gauge(BACKUP_METRICS.success, labels)).toBe(1);
    expect(await gauge(BACKUP_METRICS.lastSuccess, labels)).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(await gauge(BACKUP_METRICS.size, labels)).toBe(result.results[0]!.sizeBytes);
    expect(await gauge(BACKUP_METRICS.duration, labels)).toBeGreaterThan(0);
  }, STEP_TIMEOUT);

  it("restores to a recorded time into a new directory and holds exactly the rows committed before it", async () => {
    await query("INSERT INTO events (phase) SELECT 'before' FROM generate_series(1, 100)");
    const [{ now }] = (await query<{ now: Date }>("SELECT clock_timestamp() AS now")) as [{ now: Date }];
    const target = rfc3339PlusTwo(now);
    await new Promise((r) => setTimeout(r, 50));
    await query("INSERT INTO events (phase) SELECT 'after' FROM generate_series(1, 50)");
    const committed = Date.now();
    const [{ wal }] = (await query<{ wal: string }>("SELECT pg_walfile_name(pg_current_wal_lsn()) AS wal")) as [{ wal: string }];
    let rpoSeconds = 0;
    for (;;) {
      const [row] = await query<{ last: string | null }>("SELECT last_archived_wal AS last FROM pg_stat_archiver");
      if (row?.last && row.last >= wal) {
        rpoSeconds = (Date.now() - committed) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const dataDir = join(work, "restored");
    const started = Date.now();
    const restore = await cli("scripts/restore.ts", ["postgres", "--to-time", target, "--pg-data", dataDir, "--no-archive", "--json"]);
    expect(restore.code, restore.stderr).toBe(0);
    const restoreSeconds = (Date.now() - started) / 1000;
    const cluster = await startScratchCluster({ dataDir, user: server.superuser, env: { PG_BIN_DIR: server.binDir, PATH: env["PATH"] }, serverEnv: { PGBACKREST_REPO1_CIPHER_PASS: CIPHER }, timeoutSeconds: 60 });
    try {
      const libpq = cluster.target("postgres").libpqEnv;
      const url = { host: libpq["PGHOST"], port: Number(libpq["PGPORT"]), user: server.superuser, database: "postgres" };
      expect(await query("SELECT phase, count(*)::int AS n FROM events GROUP BY phase", [], url)).toEqual([{ phase: "before", n: 100 }]);
      const [{ timeline }] = (await query<{ timeline: number }>("SELECT timeline_id AS timeline FROM pg_control_checkpoint()", [], url)) as [{ timeline: number }];
      expect(timeline).toBeGreaterThan(1);
      const [{ archiving }] = (await query<{ archiving: string }>("SELECT current_setting('archive_mode') AS archiving", [], url)) as [{ archiving: string }];
      expect(archiving).toBe("off");
      console.log(
        `PITR figures: RPO (commit until its WAL was in the repository, archive_timeout=${ARCHIVE_TIMEOUT_SECONDS}s) ${rpoSeconds.toFixed(1)}s; ` +
          `RTO of this restore: pgbackrest restore ${restoreSeconds.toFixed(1)}s + WAL replay and promotion ${cluster.promotedAfterSeconds.toFixed(1)}s = ${(restoreSeconds + cluster.promotedAfterSeconds).toFixed(1)}s`,
      );
    } finally {
      await cluster.stop();
    }
  }, STEP_TIMEOUT);

  it("refuses to restore into a non-empty directory unless --delta, and a time before the first backup", async () => {
    const busy = join(work, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "keep.txt"), "x");
    if (owner) chownSync(busy, owner.uid, owner.gid);
    const refused = await cli("scripts/restore.ts", ["postgres", "--latest", "--pg-data", busy, "--dry-run"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(1 entries\).*--delta/);
    const early = await cli("scripts/restore.ts", ["postgres", "--to-time", "2001-01-01T00:00:00Z", "--pg-data", join(work, "early"), "--dry-run"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no backup finished before that time/);
  }, STEP_TIMEOUT);

  it("drills the newest backup: restore to its restore point, amcheck, row counts, RTO pushed", async () => {
    const backup = await cli("scripts/backup.ts", ["postgres", "--type", "diff"]);
    expect(backup.code, backup.stderr).toBe(0);
    await archive();
    const drill = await cli("scripts/backup-verify.ts", ["--json"]);
    expect(drill.code, drill.stderr + drill.stdout).toBe(0);
    const report = JSON.parse(drill.stdout).report as { tables: number; indexes: number; rtoSeconds: number; mismatches: unknown[] };
    expect(report).toMatchObject({ tables: 1, mismatches: [] });
    expect(report.indexes).toBeGreaterThan(100);
    console.log(`restore drill RTO: ${report.rtoSeconds.toFixed(1)}s (restore + replay to the restore point + promotion)`);
    expect(await gauge(DRILL_METRICS.success, { job: "supabase_backup", env: "test" })).toBe(1);
    expect(await gauge(DRILL_METRICS.duration, { job: "supabase_backup", env: "test" })).toBeCloseTo(report.rtoSeconds, 1);
  }, STEP_TIMEOUT);

  it("fails the drill on a row-count mismatch, keeping the last drill success", async () => {
    const pgbackrest = pgbackrestFromEnv(env, { configPath, stanza: "main" });
    const newest = (await stanzaInfo(pgbackrest)).backups.at(-1)!;
    const point = decodeAnnotations(newest.annotations)!;
    const wrong = encodeAnnotations({ ...point, counts: { ...point.counts, "public.events": (point.counts["public.events"] ?? 0) + 1 } });
    const annotate = spawnSync("pgbackrest", [`--config=${configPath}`, "--stanza=main", `--set=${newest.label}`, ...annotationArgs(wrong), "annotate"], {
      env: pgbackrest.env,
      encoding: "utf8",
      ...(owner && { uid: owner.uid, gid: owner.gid }),
    });
    expect(annotate.status, annotate.stderr).toBe(0);
    const lastSuccess = await gauge(DRILL_METRICS.lastSuccess, { job: "supabase_backup", env: "test" });
    const drill = await cli("scripts/backup-verify.ts", []);
    expect(drill.code).toBe(1);
    expect(drill.stdout).toMatch(/public\.events: backup recorded 151, restore has 150/);
    expect(await gauge(DRILL_METRICS.success, { job: "supabase_backup", env: "test" })).toBe(0);
    expect(await gauge(DRILL_METRICS.lastSuccess, { job: "supabase_backup", env: "test" })).toBe(lastSuccess);
  }, STEP_TIMEOUT);

  it("reports a backup killed mid-way as failed: non-zero exit, success 0, last success kept, nothing new listed", async () => {
    await query("CREATE TABLE filler AS SELECT g, md5(g::text) AS h FROM generate_series(1, 400000) g");
    const labels = { job: "supabase_backup", kind: "physical", env: "test" };
    const lastSuccess = await gauge(BACKUP_METRICS.lastSuccess, labels);
    const pgbackrest = pgbackrestFromEnv(env, { configPath, stanza: "main" });
    const before = (await stanzaInfo(pgbackrest)).backups.map((b) => b.label);
    let killed = false;
    const run = await cli("scripts/backup.ts", ["postgres", "--type", "full"], {}, (line, kill) => {
      if (!killed && line.includes("full backup started")) {
        killed = true;
        setTimeout(kill, 300);
      }
    });
    expect(killed).toBe(true);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/received SIGTERM/);
    expect(await gauge(BACKUP_METRICS.success, labels)).toBe(0);
    expect(await gauge(BACKUP_METRICS.lastSuccess, labels)).toBe(lastSuccess);
    expect((await stanzaInfo(pgbackrest)).backups.map((b) => b.label)).toEqual(before);
  }, STEP_TIMEOUT);

  it("reports a backup into a broken repository as failed", async () => {
    const labels = { job: "supabase_backup", kind: "physical", env: "test" };
    const lastSuccess = await gauge(BACKUP_METRICS.lastSuccess, labels);
    const backupDir = join(work, "repo", "backup", "main");
    chmodSync(backupDir, 0o500);
    try {
      const run = await cli("scripts/backup.ts", ["postgres", "--type", "diff"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/physical: failed: pgbackrest (backup|check) exited with/);
    } finally {
      chmodSync(backupDir, 0o750);
    }
    expect(await gauge(BACKUP_METRICS.success, labels)).toBe(0);
    expect(await gauge(BACKUP_METRICS.lastSuccess, labels)).toBe(lastSuccess);
  }, STEP_TIMEOUT);
});
