import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { freePort } from "../lib/free-port.js";
import { connect, type DatabaseTarget } from "../lib/database-target.js";
import { pgBinary } from "./pg-binaries.js";
import { childEnv, runProcess } from "./run-process.js";
import type { Env } from "../lib/secrets.js";
import { scratchDir } from "./work-dir.js";

/** A cluster started on a restored data directory, reachable only through its private socket. */
export interface ScratchCluster {
  /** Connection to a database of the cluster as `user`. */
  target(database: string): DatabaseTarget;
  /** Seconds from start until it left recovery (promoted) and accepted writes. */
  readonly promotedAfterSeconds: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** How to start a scratch cluster. */
export interface ScratchClusterOptions {
  readonly dataDir: string;
  /** The superuser to connect as (the cluster's bootstrap user: supabase_admin on the supabase image). */
  readonly user: string;
  readonly env: Env;
  /** Variables the server needs, such as pgBackRest's for restore_command (archive-get). */
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(logFile: string): string {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-8).join("\n  ") : "(no log)";
}

async function waitForPromotion(target: DatabaseTarget, dataDir: string, deadline: number, logFile: string): Promise<void> {
  for (;;) {
    if (!existsSync(join(dataDir, "postmaster.pid"))) throw new Error(`the restored cluster stopped during recovery:\n  ${logTail(logFile)}`);
    let client: pg.Client | undefined;
    try {
      client = await connect(target, "supabase-drill");
      const row = (await client.query<{ recovering: boolean }>("SELECT pg_catalog.pg_is_in_recovery() AS recovering")).rows[0];
      if (row && !row.recovering) return;
    } catch {
      /* still starting or replaying WAL */
    } finally {
      await client?.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`the restored cluster did not finish recovery in time:\n  ${logTail(logFile)}`);
    await sleep(250);
  }
}

/**
 * Starts PostgreSQL on a restored data directory: no TCP listener, its own private socket directory with trust for local
 * connections, archiving off and no preloaded libraries (the drill host lacks the image's extensions; catalog checks and
 * counts do not need them), and hot_standby off as on the supabase image (so the primary's max_connections and friends
 * need not be matched). Runs as the data directory's owner when this process is root. Resolves once it has promoted.
 */
export async function startScratchCluster(options: ScratchClusterOptions): Promise<ScratchCluster> {
  const stats = statSync(options.dataDir);
  const owner = process.getuid?.() === 0 ? { uid: stats.uid, gid: stats.gid } : undefined;
  const sockets = scratchDir("drill-socket");
  if (owner) chownSync(sockets.path, owner.uid, owner.gid);
  const port = await freePort();
  const logFile = join(sockets.path, "postgres.log");
  const hbaFile = join(sockets.path, "pg_hba.conf");
  writeFileSync(hbaFile, "local all all trust\n", { mode: 0o644 });
  const pgCtl = pgBinary("pg_ctl", options.env);
  const env = { ...childEnv({}, options.env), ...options.serverEnv };
  const settings = [`-p ${port}`, "-c listen_addresses=''", `-c unix_socket_directories='${sockets.path}'`, "-c archive_mode=off", "-c shared_preload_libraries=''", "-c hot_standby=off", `-c hba_file='${hbaFile}'`].join(" ");
  const started = Date.now();
  const start = await runProcess(pgCtl, ["start", "-D", options.dataDir, "-l", logFile, "-w", "-t", String(options.timeoutSeconds), "-o", settings], { env, ...(owner && { owner }) });
  if (start.code !== 0) {
    const message = `pg_ctl start on ${options.dataDir} exited with ${start.code}:\n  ${logTail(logFile)}`;
    sockets.remove();
    throw new Error(message);
  }
  const target = (database: string): DatabaseTarget => ({
    libpqEnv: { PGHOST: sockets.path, PGPORT: String(port), PGUSER: options.user, PGDATABASE: database },
    database,
    description: `${options.user}@${sockets.path}:${port}/${database}`,
  });
  const stop = async (): Promise<void> => {
    await runProcess(pgCtl, ["stop", "-D", options.dataDir, "-m", "fast", "-w"], { env, ...(owner && { owner }) });
    sockets.remove();
  };
  try {
    await waitForPromotion(target("postgres"), options.dataDir, started + options.timeoutSeconds * 1000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { target, promotedAfterSeconds: (Date.now() - started) / 1000, logFile, stop };
}
