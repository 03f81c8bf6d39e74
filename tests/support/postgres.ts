import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, chownSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { requireBinary } from "./binaries.js";
import { freePort } from "../../scripts/lib/free-port.js";

/** A throwaway PostgreSQL cluster started by a test suite. */
export interface PostgresServer {
  /** Superuser URL over TCP to the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Directory holding the server's unix socket. */
  readonly socketDir: string;
  /** Name of the superuser, which connects without a password. */
  readonly superuser: string;
  /** Directory of the PostgreSQL binaries the cluster runs (initdb, psql, …). */
  readonly binDir: string;
  /** The server log, for assertions about what was (not) logged. */
  readonly logFile: string;
  /** The cluster's data directory (PGDATA), owned by the cluster's OS user. */
  readonly dataDir: string;
  /** URL of another database on the same server, as the superuser. */
  urlFor(database: string): string;
  /** Creates a fresh empty database and returns its superuser URL. */
  createDatabase(prefix?: string): string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** Options for a throwaway cluster. */
export interface StartOptions {
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

const DEBIAN_PACKAGE = "postgresql-15";
const SUPERUSER = "postgres";
const MINIMUM_MAJOR = 15;

/** Finds the binaries of PostgreSQL ≥15: PG_BIN_DIR, else the Debian layout (15 preferred), else PATH. */
function postgresBinDir(): string {
  const fromEnv = process.env["PG_BIN_DIR"];
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root).map(Number).filter((m) => m >= MINIMUM_MAJOR && existsSync(join(root, String(m), "bin", "initdb")))
    : [];
  const major = majors.includes(MINIMUM_MAJOR) ? MINIMUM_MAJOR : Math.max(...majors);
  if (Number.isFinite(major)) return join(root, String(major), "bin");
  const initdb = requireBinary("initdb", DEBIAN_PACKAGE);
  return initdb.slice(0, initdb.lastIndexOf("/"));
}

/** The command line that runs a binary as the postgres OS user when we are root (initdb and postgres refuse root). */
function asOwner(binary: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", SUPERUSER, "--", binary, ...args]] : [binary, [...args]];
}

function runAsOwner(binary: string, args: readonly string[]): void {
  const run = spawnSync(...asOwner(binary, args), { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${binary} ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
}

/** The OS user and group clusters run as when the suite runs as root (initdb and postgres refuse root); undefined otherwise. */
export function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(spawnSync("id", [flag, SUPERUSER], { encoding: "utf8" }).stdout.trim());
  const ids = { uid: id("-u"), gid: id("-g") };
  if (!Number.isInteger(ids.uid) || ids.uid <= 0) {
    throw new Error(`there is no '${SUPERUSER}' OS user to run PostgreSQL as: run bash tests/run-all.sh (it installs ${DEBIAN_PACKAGE})`);
  }
  return ids;
}

const HBA = [
  `local all ${SUPERUSER} trust`,
  `host all ${SUPERUSER} 127.0.0.1/32 trust`,
  "local all all scram-sha-256",
  "host all all 127.0.0.1/32 scram-sha-256",
].join("\n");

/** Starts a throwaway cluster in a temporary directory on a free port; `stop()` removes everything. */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  process.env["PATH"] = `${binDir}:${process.env["PATH"] ?? ""}`;
  const initdb = requireBinary("initdb", DEBIAN_PACKAGE);
  const pgCtl = requireBinary("pg_ctl", DEBIAN_PACKAGE);
  requireBinary("psql", "postgresql-client-15");

  const root = mkdtempSync(join(tmpdir(), "pg-test-"));
  const owner = clusterOwner();
  if (owner) chownSync(root, owner.uid, owner.gid);
  const dataDir = join(root, "data");
  const logFile = join(root, "server.log");
  runAsOwner(initdb, ["-D", dataDir, "-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--no-sync", "--auth=trust"]);
  writeFileSync(join(dataDir, "pg_hba.conf"), `${HBA}\n`);
  if (owner) chownSync(join(dataDir, "pg_hba.conf"), owner.uid, owner.gid);

  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: root,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: "60",
    password_encryption: "scram-sha-256",
    ...options.settings,
  };
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const serverArgs = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
    try {
      runAsOwner(pgCtl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", logFile, "-o", serverArgs]);
      break;
    } catch (error) {
      if (attempt >= 3) {
        rmSync(root, { recursive: true, force: true });
        throw new Error(`${String(error)}\n${existsSync(logFile) ? readFileSync(logFile, "utf8") : ""}`);
      }
    }
  }

  let stopped = false;
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stopNow);
    spawnSync(...asOwner(pgCtl, ["stop", "-D", dataDir, "-m", "immediate"]));
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", stopNow);

  const urlFor = (database: string): string => `postgresql://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let databases = 0;
  const psql = join(binDir, "psql");
  return {
    url: urlFor("postgres"),
    port,
    socketDir: root,
    superuser: SUPERUSER,
    binDir,
    logFile,
    dataDir,
    urlFor,
    createDatabase(prefix = "test") {
      const name = `${prefix}_${++databases}_${process.pid}`;
      const run = spawnSync(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", urlFor("postgres"), "-c", `CREATE DATABASE "${name}"`], { encoding: "utf8" });
      if (run.status !== 0) throw new Error(`CREATE DATABASE ${name} failed: ${run.stderr}`);
      return urlFor(name);
    },
    async stop() {
      stopNow();
    },
  };
}

/** Opens a client, runs `fn`, and closes it. */
export async function withClient<T>(connection: string | pg.ClientConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(typeof connection === "string" ? { connectionString: connection } : connection);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement on a connection of its own and returns its rows. */
export function queryRows<T extends pg.QueryResultRow>(connection: string | pg.ClientConfig, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return withClient(connection, async (client) => (await client.query<T>(sql, [...params])).rows);
}

/** Switches WAL and waits until the server has archived that segment; returns its name. */
export async function archiveNow(connection: string | pg.ClientConfig): Promise<string> {
  const [{ wal }] = (await queryRows<{ wal: string }>(connection, "SELECT pg_walfile_name(pg_switch_wal()) AS wal")) as [{ wal: string }];
  for (;;) {
    const [row] = await queryRows<{ last: string | null }>(connection, "SELECT last_archived_wal AS last FROM pg_stat_archiver");
    if (row?.last && row.last >= wal) return wal;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
