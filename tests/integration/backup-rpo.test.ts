import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScratchCluster } from "../../scripts/backup/scratch-postgres.js";
import { requireBinary } from "../support/binaries.js";
import type { PostgresServer } from "../support/postgres.js";
import { launchCli, type CliRun } from "../support/cli-process.js";
import { startArchivingCluster } from "../support/pgbackrest.js";

const CIPHER = "rpo-cipher-pass-0123456789abcdef0123456789ab";
const ARCHIVE_TIMEOUT_SECONDS = 10;
const MARGIN_SECONDS = 5;
const INSERT_SECONDS = 25;
const TIMEOUT = 120_000;


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("RPO on real PostgreSQL 15 and pgBackRest: kill -9 the postmaster, restore the latest, measure what was lost", () => {
  let server: PostgresServer;
  let work: string;
  let env: Record<string, string>;

  const cli = (script: string, args: readonly string[]): Promise<CliRun> => launchCli(script, args, { env }).done;

  beforeAll(async () => {
    requireBinary("pgbackrest", "pgbackrest");
    work = mkdtempSync(join(tmpdir(), "backup-rpo-"));
    const cluster = await startArchivingCluster(work, ARCHIVE_TIMEOUT_SECONDS, CIPHER);
    server = cluster.server;
    env = { ...cluster.cliEnv };
  }, TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`loses at most archive_timeout (${ARCHIVE_TIMEOUT_SECONDS}s) + ${MARGIN_SECONDS}s of commits when the server is killed`, async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    client.on("error", () => undefined);
    await client.query("CREATE TABLE ticks (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    const backup = await cli("scripts/backup.ts", ["postgres", "--type", "full"]);
    expect(backup.code, backup.stderr).toBe(0);

    let lastCommitted = 0;
    const until = Date.now() + INSERT_SECONDS * 1000;
    while (Date.now() < until) {
      const { rows } = await client.query<{ at: Date }>("INSERT INTO ticks DEFAULT VALUES RETURNING at");
      lastCommitted = rows[0]!.at.getTime();
      await sleep(50);
    }
    const postmaster = Number(readFileSync(join(server.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(postmaster, "SIGKILL");
    await client.end().catch(() => undefined);

    const dataDir = join(work, "restored");
    const restore = await cli("scripts/restore.ts", ["postgres", "--latest", "--pg-data", dataDir, "--no-archive"]);
    expect(restore.code, restore.stderr).toBe(0);
    const cluster = await startScratchCluster({ dataDir, user: server.superuser, env: { PG_BIN_DIR: server.binDir, PATH: env["PATH"]! }, serverEnv: { PGBACKREST_REPO1_CIPHER_PASS: CIPHER }, timeoutSeconds: 60 });
    try {
      const libpq = cluster.target("postgres").libpqEnv;
      const restored = new pg.Client({ host: libpq["PGHOST"], port: Number(libpq["PGPORT"]), user: server.superuser, database: "postgres" });
      await restored.connect();
      const { rows } = await restored.query<{ n: number; last: number; newest: Date }>("SELECT count(*)::int AS n, max(id)::int AS last, max(at) AS newest FROM ticks");
      await restored.end();
      const { n, last, newest } = rows[0]!;
      const lostSeconds = (lastCommitted - newest.getTime()) / 1000;
      console.log(`RPO after kill -9 (archive_timeout=${ARCHIVE_TIMEOUT_SECONDS}s): ${lostSeconds.toFixed(1)}s of commits lost; ${n} rows restored`);
      expect(n).toBe(last);
      expect(lostSeconds).toBeGreaterThanOrEqual(0);
      expect(lostSeconds).toBeLessThanOrEqual(ARCHIVE_TIMEOUT_SECONDS + MARGIN_SECONDS);
    } finally {
      await cluster.stop();
    }
  }, TIMEOUT);
});
