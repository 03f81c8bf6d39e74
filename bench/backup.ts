import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { databaseFromEnv } from "../scripts/backup/connection.js";
import { encryptionKeyFromSecret } from "../scripts/backup/encryption.js";
import { backupLogical } from "../scripts/backup/logical-backup.js";
import { localStore } from "../scripts/backup/store-local.js";
import { formatBytes } from "../scripts/backup/progress.js";
import { startPostgres } from "../tests/support/postgres.js";

const ROWS = Number(process.env["BENCH_ROWS"] ?? 1_000_000);
const JOBS = 2;

const server = await startPostgres();
const work = mkdtempSync(join(tmpdir(), "bench-backup-"));
try {
  const url = server.createDatabase("bench");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    CREATE TABLE public.events (id bigserial PRIMARY KEY, account int NOT NULL, kind text NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
    INSERT INTO public.events (account, kind, payload) SELECT g % 5000, 'kind_' || (g % 17), jsonb_build_object('n', g, 'h', md5(g::text)) FROM generate_series(1, ${ROWS}) g;
    CREATE INDEX events_account ON public.events (account, at);
    CREATE TABLE public.accounts AS SELECT g AS id, 'user' || g || '@example.com' AS email FROM generate_series(1, ${Math.round(ROWS / 20)}) g;
    ALTER TABLE public.accounts ADD PRIMARY KEY (id);`);
  const [{ size }] = (await client.query<{ size: string }>("SELECT pg_database_size(current_database()) AS size")).rows as [{ size: string }];
  await client.end();

  const rawFile = join(work, "raw.dump");
  const database = new URL(url).pathname.slice(1);
  const rawStarted = performance.now();
  const raw = spawnSync(join(server.binDir, "pg_dump"), ["-Fc", "-f", rawFile, "-d", url], { stdio: "inherit" });
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  if (raw.status !== 0) throw new Error("pg_dump -Fc failed");
  const rawBytes = statSync(rawFile).size;

  const env = { ...process.env, PG_BIN_DIR: server.binDir, DATABASE_URL: url };
  const ourStarted = performance.now();
  const result = await backupLogical({
    database: databaseFromEnv(env),
    store: localStore(join(work, "dest")),
    key: encryptionKeyFromSecret("benchmark-secret-of-at-least-32-characters"),
    jobs: JOBS,
    retention: { keepDays: 14, keepMin: 3 },
    workDir: work,
    env,
    note: () => undefined,
  });
  const ourSeconds = (performance.now() - ourStarted) / 1000;

  console.log(`database ${database}: ${ROWS} rows, ${formatBytes(Number(size))} on disk`);
  console.log(`  pg_dump -Fc:                      ${rawSeconds.toFixed(2)} s, ${formatBytes(rawBytes)}`);
  console.log(`  npm run backup -- logical (-j ${JOBS}): ${ourSeconds.toFixed(2)} s, ${formatBytes(result.sizeBytes)} (roles, snapshot row counts, pg_dump -Fd, pg_restore --list, sha256, AES-256-GCM, store)`);
  console.log(`  ratio ours / pg_dump -Fc: time ${(ourSeconds / rawSeconds).toFixed(2)}x, size ${(result.sizeBytes / rawBytes).toFixed(2)}x`);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
