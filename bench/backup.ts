import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { ARCHIVE_TIMEOUT_SECONDS, PGBACKREST_DEFAULTS, postgresArchiveSettings, renderPgbackrestConf } from "../scripts/backup/pgbackrest-config.js";
import { formatBytes } from "../scripts/backup/progress.js";
import { clusterOwner, startPostgres } from "../tests/support/postgres.js";

const argSize = process.argv.find((a) => a.startsWith("--size-mb="))?.slice("--size-mb=".length);
const SIZE_MB = Number(argSize ?? process.env["BENCH_SIZE_MB"] ?? 1024);
const ARCHIVE_TIMEOUT = Number(process.env["BENCH_ARCHIVE_TIMEOUT"] ?? ARCHIVE_TIMEOUT_SECONDS);
const JOBS = 2;
const REPEATS = 2;
const CIPHER = "benchmark-cipher-pass-0123456789abcdef012345";
const KEY = "benchmark-secret-of-at-least-32-characters";
const BATCH_ROWS = 200_000;

const owner = clusterOwner();
const work = mkdtempSync(join(tmpdir(), "bench-backup-"));
const configPath = join(work, "pgbackrest.conf");
const dirs = ["repo", "log", "lock", "spool", "locks", "home", "logical"];
for (const dir of dirs) mkdirSync(join(work, dir));
process.env["PGBACKREST_REPO1_CIPHER_PASS"] = CIPHER;
const archive = postgresArchiveSettings("main", configPath, ARCHIVE_TIMEOUT);
const server = await startPostgres({ settings: { ...archive, archive_command: `'${archive["archive_command"]}'` } });
writeFileSync(
  configPath,
  renderPgbackrestConf({
    ...PGBACKREST_DEFAULTS,
    processMax: { backup: JOBS, restore: JOBS, archive: JOBS },
    repository: { type: "posix", path: join(work, "repo") },
    cluster: { kind: "local", dataDir: server.dataDir, port: server.port, socketDir: server.socketDir, user: server.superuser },
    logPath: join(work, "log"),
    lockPath: join(work, "lock"),
    spoolPath: join(work, "spool"),
  }),
);
if (owner) for (const path of [work, configPath, ...dirs.map((d) => join(work, d))]) chownSync(path, owner.uid, owner.gid);
const env: Record<string, string> = {
  PATH: `${server.binDir}:${process.env["PATH"]}`,
  HOME: join(work, "home"),
  PG_BIN_DIR: server.binDir,
  PGBACKREST_CONFIG: configPath,
  PGBACKREST_REPO1_CIPHER_PASS: CIPHER,
  BACKUP_LOCK_DIR: join(work, "locks"),
  BACKUP_ENCRYPTION_KEY: KEY,
  BACKUP_WORK_DIR: work,
};

/** Runs a program as the cluster's owner and returns its wall-clock seconds; throws when it fails. */
function timed(program: string, args: readonly string[], extra: Record<string, string> = {}): number {
  const started = performance.now();
  const run = spawnSync(program, args, { env: { ...env, ...extra }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...(owner && { uid: owner.uid, gid: owner.gid }) });
  if (run.status !== 0) throw new Error(`${program} ${args.join(" ")} exited with ${run.status}:\n${run.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Runs one of our CLIs (scripts/*.ts) through tsx, as an operator would. */
const ours = (script: string, args: readonly string[], extra: Record<string, string> = {}): number => timed(process.execPath, ["--import", "tsx", join(process.cwd(), "scripts", script), ...args], extra);

/** What to undo, untimed, before a run of the raw tool and before one of ours. */
interface Resets {
  readonly raw?: () => void;
  readonly ours?: () => void;
}

/** Writes dirty pages out, untimed, so that one run's writeback does not slow the next. */
const settle = (): void => void spawnSync("sync");

/**
 * The fastest of `REPEATS` runs of the raw tool and of ours, alternating so that background work weighs on both alike,
 * each after its reset and a sync.
 */
function pair(raw: () => number, our: () => number, resets: Resets = {}): [number, number] {
  let [fastestRaw, fastestOurs] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let i = 0; i < REPEATS; i++) {
    resets.raw?.();
    settle();
    fastestRaw = Math.min(fastestRaw, raw());
    resets.ours?.();
    settle();
    fastestOurs = Math.min(fastestOurs, our());
  }
  return [fastestRaw, fastestOurs];
}

const fresh = (path: string) => (): void => {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path);
  if (owner) chownSync(path, owner.uid, owner.gid);
};

/** Waits until the server has archived `wal`. */
async function waitForArchive(url: string, wal: string): Promise<void> {
  while (((await sql<{ last: string | null }>(url, "SELECT last_archived_wal AS last FROM pg_stat_archiver"))[0]?.last ?? "") < wal) await new Promise((r) => setTimeout(r, 100));
}

const sql = async <T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
};

try {
  const url = server.createDatabase("bench");
  const psql = (database: string, command: string): void => void timed(join(server.binDir, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.urlFor(database), "-c", command]);
  await sql(url, "CREATE TABLE public.events (id bigserial PRIMARY KEY, account int NOT NULL, kind text NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())");
  const sizeOf = async (): Promise<number> => Number((await sql<{ size: string }>(url, "SELECT pg_database_size(current_database()) AS size"))[0]!.size);
  let rows = 0;
  while ((await sizeOf()) < SIZE_MB * 1024 * 1024) {
    await sql(url, `INSERT INTO public.events (account, kind, payload) SELECT g % 5000, 'kind_' || (g % 17), jsonb_build_object('n', g, 'h', md5(g::text)) FROM generate_series(${rows + 1}, ${rows + BATCH_ROWS}) g`);
    rows += BATCH_ROWS;
  }
  await sql(url, "CREATE INDEX events_account ON public.events (account, at)");
  await sql(url, "VACUUM ANALYZE public.events");
  const size = await sizeOf();
  const database = new URL(url).pathname.slice(1);
  env["DATABASE_URL"] = url;
  const pgbackrest = (command: string, options: readonly string[] = []): number => timed("pgbackrest", [`--config=${configPath}`, "--stanza=main", ...options, command]);
  pgbackrest("stanza-create");
  await sql(url, "CHECKPOINT");
  await waitForArchive(url, (await sql<{ wal: string }>(url, "SELECT pg_walfile_name(pg_switch_wal()) AS wal"))[0]!.wal);

  const [rawBackup, ourBackup] = pair(() => pgbackrest("backup", ["--type=full"]), () => ours("backup.ts", ["postgres", "--type", "full"]));
  const restoreDir = join(work, "restored");
  const [rawRestore, ourRestore] = pair(
    () => pgbackrest("restore", [`--pg1-path=${restoreDir}`, "--archive-mode=off"]),
    () => ours("restore.ts", ["postgres", "--latest", "--pg-data", restoreDir, "--no-archive"]),
    { raw: fresh(restoreDir), ours: fresh(restoreDir) },
  );

  const dumpDir = join(work, "raw.dump");
  const [rawDump, ourDump] = pair(
    () => timed(join(server.binDir, "pg_dump"), ["-Fd", "-j", String(JOBS), "-f", dumpDir, "-d", url]),
    () => ours("backup.ts", ["logical", "--dest", join(work, "logical"), "--jobs", String(JOBS)]),
    { raw: () => rmSync(dumpDir, { recursive: true, force: true }) },
  );
  const [rawLoad, ourLoad] = pair(
    () => {
      psql("postgres", "CREATE DATABASE raw_restore");
      return timed(join(server.binDir, "pg_restore"), ["-j", String(JOBS), "-d", server.urlFor("raw_restore"), dumpDir]);
    },
    () => ours("restore.ts", ["logical", "latest", "--from", join(work, "logical"), "--target-db", "our_restore", "--jobs", String(JOBS)]),
    { raw: () => psql("postgres", "DROP DATABASE IF EXISTS raw_restore WITH (FORCE)"), ours: () => psql("postgres", "DROP DATABASE IF EXISTS our_restore WITH (FORCE)") },
  );

  await sql(url, "INSERT INTO public.events (account, kind, payload) VALUES (0, 'rpo', '{}')");
  const committed = performance.now();
  await waitForArchive(url, (await sql<{ wal: string }>(url, "SELECT pg_walfile_name(pg_current_wal_lsn()) AS wal"))[0]!.wal);
  const rpoSeconds = (performance.now() - committed) / 1000;

  const mb = size / 1024 / 1024;
  const line = (what: string, raw: string, rawSeconds: number, ourSeconds: number): string =>
    `  ${what.padEnd(18)} ${raw.padEnd(34)} ${rawSeconds.toFixed(2).padStart(7)} s   ours ${ourSeconds.toFixed(2).padStart(7)} s   ratio ${(ourSeconds / rawSeconds).toFixed(2)}x   ours ${(mb / ourSeconds).toFixed(1)} MB/s`;
  console.log(`database ${database}: ${rows} rows, ${formatBytes(size)} (BENCH_SIZE_MB=${SIZE_MB}); best of ${REPEATS} alternating runs each; goal: ratio <= 1.10x`);
  console.log(line("physical backup", "pgbackrest backup --type=full", rawBackup, ourBackup));
  console.log(line("physical restore", "pgbackrest restore", rawRestore, ourRestore));
  console.log(line("logical backup", `pg_dump -Fd -j ${JOBS}`, rawDump, ourDump));
  console.log(line("logical restore", `pg_restore -j ${JOBS}`, rawLoad, ourLoad));
  console.log(`  measured RPO: ${rpoSeconds.toFixed(1)} s from a commit until its WAL was in the repository (archive_timeout=${ARCHIVE_TIMEOUT}s)`);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
