import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScratchCluster } from "../../scripts/backup/scratch-postgres.js";
import { freePort } from "../../scripts/lib/free-port.js";
import { pgbackrestCertificatePlan } from "../../stacks/backup/pgbackrest-certificates.js";
import { PGBACKREST_CLIENT_CN, pgbackrestTopology } from "../../stacks/backup/pgbackrest-topology.js";
import { requireBinary } from "../support/binaries.js";
import { launchCli, type CliRun } from "../support/cli-process.js";
import { startArchivingCluster, type ArchivingCluster } from "../support/pgbackrest.js";
import { archiveNow, clusterOwner, queryRows } from "../support/postgres.js";
import { issueCertificate, type IssuedCertificate } from "../support/tls-certificates.js";

const CIPHER = "tls-topology-cipher-0123456789abcdef012345";
const STEP_TIMEOUT = 120_000;

/**
 * The Kubernetes backup topology on real binaries: `pgbackrest server` with the database side's rendered pgbackrest.conf
 * and the sidecar's settings, the backup and restore CLIs with the jobs' rendered pgbackrest.conf as TLS clients, and
 * certificates issued from the program's certificate plan. The paths that differ inside a pod (certificates, data
 * directory, socket) are overridden through PGBACKREST_* variables, which take precedence over the file.
 */
describe("pgBackRest over TLS between the backup jobs and the server beside PostgreSQL", () => {
  const owner = clusterOwner();
  let work: string;
  let cluster: ArchivingCluster;
  let server: ChildProcess | undefined;
  let serverLog = "";
  let port: number;
  let jobConf: string;
  let ca: IssuedCertificate;
  let client: IssuedCertificate;

  const query = (sql: string): Promise<pg.QueryResultRow[]> => queryRows(cluster.server.url, sql);

  /** What a backup job's container gets: the job conf, and the pod's paths for what it points at. */
  const jobEnv = (certificate: IssuedCertificate, authority = ca): Record<string, string> => ({
    ...cluster.cliEnv,
    PGBACKREST_CONFIG: jobConf,
    PGBACKREST_PG1_HOST_PORT: String(port),
    PGBACKREST_PG1_HOST_CERT_FILE: certificate.cert,
    PGBACKREST_PG1_HOST_KEY_FILE: certificate.key,
    PGBACKREST_PG1_HOST_CA_FILE: authority.cert,
    PGBACKREST_PG1_PATH: cluster.server.dataDir,
    PGBACKREST_PG1_PORT: String(cluster.server.port),
    PGBACKREST_PG1_SOCKET_PATH: cluster.server.socketDir,
    PGBACKREST_PG1_USER: cluster.server.superuser,
    PGBACKREST_LOG_PATH: join(work, "log"),
    PGBACKREST_LOCK_PATH: join(work, "lock"),
    PGBACKREST_SPOOL_PATH: join(work, "spool"),
  });
  /**
   * Owner root, group the cluster's, mode 0440: a Secret volume with the pod's fsGroup, as the renderer mounts it. pgBackRest
   * accepts a group-readable key only when root owns it.
   */
  const mountLikeASecret = (dir: string): void => {
    for (const file of readdirSync(dir)) {
      if (owner) chownSync(join(dir, file), 0, owner.gid);
      chmodSync(join(dir, file), 0o440);
    }
    chmodSync(dir, 0o755);
  };
  const cli = (script: string, args: readonly string[], env: Record<string, string>): Promise<CliRun> => launchCli(script, args, { env }).done;

  beforeAll(async () => {
    requireBinary("pgbackrest", "pgbackrest");
    work = mkdtempSync(join(tmpdir(), "pgbackrest-tls-"));
    cluster = await startArchivingCluster(work, 10, CIPHER);
    await query("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)");
    await query("INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 500) g");

    const tls = join(work, "tls");
    mkdirSync(tls);
    const plan = pgbackrestCertificatePlan("localhost", "test");
    ca = issueCertificate(tls, "ca", plan.ca);
    const serverCert = issueCertificate(tls, "server", plan.server, ca);
    client = issueCertificate(tls, "client", plan.client, ca);
    mountLikeASecret(tls);

    const topology = pgbackrestTopology({ stanza: "main", repository: { type: "posix", path: cluster.repo }, retention: { fullDays: 7, diffCount: 3 }, platform: "kubernetes", databaseHost: "localhost" });
    const serverConf = join(work, "server.conf");
    jobConf = join(work, "job.conf");
    writeFileSync(serverConf, topology.databaseConf);
    writeFileSync(jobConf, topology.jobConf);
    port = await freePort();
    server = spawn("pgbackrest", ["server"], {
      ...(owner && { uid: owner.uid, gid: owner.gid }),
      env: {
        PATH: process.env["PATH"],
        PGBACKREST_CONFIG: serverConf,
        PGBACKREST_REPO1_CIPHER_PASS: CIPHER,
        PGBACKREST_LOG_LEVEL_FILE: "off",
        PGBACKREST_LOCK_PATH: join(work, "server-lock"),
        PGBACKREST_LOG_LEVEL_CONSOLE: "info",
        PGBACKREST_TLS_SERVER_ADDRESS: "127.0.0.1",
        PGBACKREST_TLS_SERVER_PORT: String(port),
        PGBACKREST_TLS_SERVER_CERT_FILE: serverCert.cert,
        PGBACKREST_TLS_SERVER_KEY_FILE: serverCert.key,
        PGBACKREST_TLS_SERVER_CA_FILE: ca.cert,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (serverLog += d.toString()));
    await new Promise((r) => setTimeout(r, 500));
    expect(server.exitCode, serverLog).toBeNull();
    const created = await cli("scripts/backup.ts", ["postgres", "--type", "full", "--dry-run"], jobEnv(client));
    expect(created.code, created.stderr).toBe(0);
  }, STEP_TIMEOUT);

  afterAll(async () => {
    server?.kill("SIGTERM");
    await cluster?.server.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("takes a full backup through the server with the client certificate, and never logs the cipher pass", async () => {
    const run = await cli("scripts/backup.ts", ["postgres", "--type", "full", "--json"], jobEnv(client));
    expect(run.code, `${run.stderr}\n${serverLog}`).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, results: [{ kind: "physical", id: expect.stringMatching(/F$/) }] });
    expect(run.stderr + run.stdout + serverLog).not.toContain(CIPHER);
  }, STEP_TIMEOUT);

  it("restores that backup and the WAL archived since from the jobs' configuration into a scratch directory, with every row", async () => {
    await query("INSERT INTO notes (body) VALUES ('after the backup')");
    await archiveNow(cluster.server.url);
    const dataDir = join(work, "restored");
    const restore = await cli("scripts/restore.ts", ["postgres", "--latest", "--pg-data", dataDir, "--no-archive"], jobEnv(client));
    expect(restore.code, restore.stderr).toBe(0);
    const scratch = await startScratchCluster({ dataDir, user: cluster.server.superuser, env: { PG_BIN_DIR: cluster.server.binDir, PATH: cluster.cliEnv.PATH! }, serverEnv: { PGBACKREST_REPO1_CIPHER_PASS: CIPHER }, timeoutSeconds: 60 });
    try {
      const libpq = scratch.target("postgres").libpqEnv;
      const c = new pg.Client({ host: libpq["PGHOST"], port: Number(libpq["PGPORT"]), user: cluster.server.superuser, database: "postgres" });
      await c.connect();
      const { rows } = await c.query("SELECT count(*)::int AS n FROM notes");
      await c.end();
      expect(rows[0].n).toBe(501);
    } finally {
      await scratch.stop();
    }
  }, STEP_TIMEOUT);

  it("refuses a client certificate with another name, and one from another authority", async () => {
    const tls = join(work, "tls");
    const plan = pgbackrestCertificatePlan("localhost", "test");
    const intruder = issueCertificate(tls, "intruder", { ...plan.client, commonName: "intruder" }, ca);
    const otherCa = issueCertificate(tls, "other-ca", plan.ca);
    const stranger = issueCertificate(tls, "stranger", plan.client, otherCa);
    mountLikeASecret(tls);
    expect(PGBACKREST_CLIENT_CN).not.toBe("intruder");
    const refusals = [
      { certificate: intruder, reason: /unable to check pg1: \[AccessError\] .*access denied/ },
      { certificate: stranger, reason: /unable to check pg1: \[ServiceError\] TLS error .*unknown ca/ },
    ];
    for (const { certificate, reason } of refusals) {
      const run = await cli("scripts/backup.ts", ["postgres", "--type", "incr"], jobEnv(certificate));
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(reason);
    }
  }, STEP_TIMEOUT);
});
