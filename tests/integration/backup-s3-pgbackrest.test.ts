import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGBACKREST_DEFAULTS, postgresArchiveSettings, renderPgbackrestConf } from "../../scripts/backup/pgbackrest-config.js";
import { pgbackrestFromEnv, stanzaInfo } from "../../scripts/backup/pgbackrest.js";
import { startScratchCluster } from "../../scripts/backup/scratch-postgres.js";
import { requireBinary } from "../support/binaries.js";
import { launchCli, type CliRun } from "../support/cli-process.js";
import { archiveNow, clusterOwner, queryRows, startPostgres, type PostgresServer } from "../support/postgres.js";
import { startS3Server, type S3Server } from "../support/s3.js";

const CIPHER = "s3-repo-cipher-pass-0123456789abcdef0123456789";
const ARCHIVE_TIMEOUT_SECONDS = 10;
const REPO_PATH = "/pgbackrest/test-15";
const STEP_TIMEOUT = 90_000;
const DUMP_BUFFER = 64 * 1024 * 1024;
const WORK_DIRS = ["log", "lock", "spool", "locks", "home"];

describe("pgBackRest with an S3 repository on s3rver over verified HTTPS, through the backup and restore CLIs", () => {
  let s3: S3Server;
  let server: PostgresServer;
  let work: string;
  let configPath: string;
  let env: Record<string, string>;
  let serverEnv: Record<string, string>;
  const owner = clusterOwner();

  const cli = (script: string, args: readonly string[]): Promise<CliRun> => launchCli(script, args, { env }).done;

  const query = <T extends pg.QueryResultRow>(sql: string, connection: pg.ClientConfig = { connectionString: server.url }): Promise<T[]> => queryRows<T>(connection, sql);

  const archive = (): Promise<string> => archiveNow(server.url);

  /**
   * pg_dumpall without its random \restrict keys and without sequence positions: recovery leaves a sequence at the value
   * WAL-logged ahead of use (up to 32 past the last one handed out), which the test checks on its own.
   */
  const dumpAll = (libpq: Record<string, string>): string => {
    const run = spawnSync(join(server.binDir, "pg_dumpall"), ["--no-comments"], { env: { ...libpq, PATH: env["PATH"] }, encoding: "utf8", maxBuffer: DUMP_BUFFER });
    if (run.status !== 0) throw new Error(`pg_dumpall failed: ${run.error?.message ?? run.stderr}`);
    return run.stdout.replace(/^(\\(un)?restrict .*|SELECT pg_catalog\.setval\(.*)$/gm, "");
  };

  /** Runs pgBackRest directly, as the cluster's owner, with the CLI's settings. */
  const pgbackrest = (args: readonly string[]) =>
    spawnSync("pgbackrest", [`--config=${configPath}`, "--stanza=main", "--log-level-console=warn", ...args], {
      env: pgbackrestFromEnv(env, { configPath, stanza: "main" }).env,
      encoding: "utf8",
      ...(owner && { uid: owner.uid, gid: owner.gid }),
    });

  /** Paths of the objects written to the repository (keys after the bucket), as the server saw the requests. */
  const repositoryWrites = (): string[] => s3.requests().filter((r) => ["PutObject", "CompleteMultipartUpload"].includes(r.operation)).map((r) => r.key);

  beforeAll(async () => {
    requireBinary("pgbackrest", "pgbackrest");
    s3 = await startS3Server();
    work = mkdtempSync(join(tmpdir(), "pgbackrest-s3-"));
    configPath = join(work, "pgbackrest.conf");
    for (const dir of WORK_DIRS) mkdirSync(join(work, dir));
    const secrets = { PGBACKREST_REPO1_CIPHER_PASS: CIPHER, PGBACKREST_REPO1_S3_KEY: s3.accessKeyId, PGBACKREST_REPO1_S3_KEY_SECRET: s3.secretAccessKey };
    Object.assign(process.env, secrets); // archive_command runs with the postmaster's environment
    const archive = postgresArchiveSettings("main", configPath, ARCHIVE_TIMEOUT_SECONDS);
    server = await startPostgres({ settings: { ...archive, archive_command: `'${archive["archive_command"]}'` } });
    writeFileSync(
      configPath,
      renderPgbackrestConf({
        ...PGBACKREST_DEFAULTS,
        processMax: { backup: 2, restore: 2, archive: 2 },
        repository: { type: "s3", bucket: s3.bucket, endpoint: s3.hostPort, region: s3.region, path: REPO_PATH, uriStyle: "path", keyType: "shared", verifyTls: true, caFile: s3.caFile },
        cluster: { kind: "local", dataDir: server.dataDir, port: server.port, socketDir: server.socketDir, user: server.superuser },
        logPath: join(work, "log"),
        lockPath: join(work, "lock"),
        spoolPath: join(work, "spool"),
      }),
    );
    if (owner) for (const path of [work, configPath, ...WORK_DIRS.map((d) => join(work, d))]) chownSync(path, owner.uid, owner.gid);
    serverEnv = secrets;
    env = {
      ...secrets,
      PATH: `${server.binDir}:${process.env["PATH"]}`,
      HOME: join(work, "home"),
      PG_BIN_DIR: server.binDir,
      DATABASE_URL: server.url,
      PGBACKREST_CONFIG: configPath,
      PGBACKREST_ARCHIVE_TIMEOUT: "15",
      BACKUP_LOCK_DIR: join(work, "locks"),
    };
    await query("CREATE TABLE events (id bigserial PRIMARY KEY, phase text NOT NULL, payload text NOT NULL)");
    await query("INSERT INTO events (phase, payload) SELECT 'base', md5(g::text) FROM generate_series(1, 20000) g");
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("takes a full backup into the bucket through the CLI, with WAL archived there, and passes pgbackrest check", async () => {
    const run = await cli("scripts/backup.ts", ["postgres", "--type", "full", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { results: { id: string }[] };
    expect(result.results[0]!.id).toMatch(/^\d{8}-\d{6}F$/);

    const info = await stanzaInfo(pgbackrestFromEnv(env, { configPath, stanza: "main" }));
    expect(info.backups.map((b) => b.label)).toEqual([result.results[0]!.id]);
    expect(info.cipher).toBe("aes-256-cbc");
    const writes = repositoryWrites();
    expect(writes.some((key) => key.startsWith(`${REPO_PATH.slice(1)}/backup/main/${result.results[0]!.id}/`))).toBe(true);
    expect(writes.some((key) => new RegExp(`^${REPO_PATH.slice(1)}/archive/main/15-1/[0-9A-F]{16}/[0-9A-F]{24}-[0-9a-f]{40}\\.zst$`).test(key))).toBe(true);

    const check = pgbackrest(["check"]);
    expect(check.status, check.stderr).toBe(0);
    const withoutCa = pgbackrest(["--reset-repo1-storage-ca-file", "--io-timeout=1", "repo-ls"]);
    expect(withoutCa.status).not.toBe(0);
    expect(withoutCa.stdout + withoutCa.stderr).toMatch(/unable to verify certificate presented by '127\.0\.0\.1:\d+'/);
  }, STEP_TIMEOUT);

  it("restores the latest state from the bucket into a new directory: the same rows and the same pg_dumpall", async () => {
    await query("INSERT INTO events (phase, payload) SELECT 'after', md5(g::text) FROM generate_series(1, 500) g");
    await archive();
    const source = dumpAll({ PGHOST: "127.0.0.1", PGPORT: String(server.port), PGUSER: server.superuser });

    const dataDir = join(work, "restored");
    const restore = await cli("scripts/restore.ts", ["postgres", "--latest", "--pg-data", dataDir, "--no-archive"]);
    expect(restore.code, restore.stderr).toBe(0);
    const cluster = await startScratchCluster({ dataDir, user: server.superuser, env: { PG_BIN_DIR: server.binDir, PATH: env["PATH"]! }, serverEnv, timeoutSeconds: 60 });
    try {
      const libpq = cluster.target("postgres").libpqEnv;
      const restored = { host: libpq["PGHOST"], port: Number(libpq["PGPORT"]), user: server.superuser, database: "postgres" };
      expect(await query("SELECT phase, count(*)::int AS n FROM events GROUP BY phase ORDER BY phase", restored)).toEqual([{ phase: "after", n: 500 }, { phase: "base", n: 20000 }]);
      const [{ next }] = (await query<{ next: string }>("SELECT nextval('events_id_seq')::text AS next", restored)) as [{ next: string }];
      expect(Number(next)).toBeGreaterThan(20500);
      expect(dumpAll(libpq)).toBe(source);
      expect(s3.requests().some((r) => r.operation === "GetObject" && r.key.includes("/archive/main/"))).toBe(true);
    } finally {
      await cluster.stop();
    }
  }, STEP_TIMEOUT);
});
