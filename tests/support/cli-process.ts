import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { clusterOwner, type PostgresServer } from "./postgres.js";

/** How a CLI run ended. */
export interface CliRun {
  /** Exit code; 128 when a signal ended it. */
  readonly code: number;
  /** Everything it printed to stdout. */
  readonly stdout: string;
  /** Everything it printed to stderr. */
  readonly stderr: string;
}

/** Options of one CLI run. */
export interface LaunchOptions {
  /** The whole environment of the process. */
  readonly env: Readonly<Record<string, string>>;
  /** Called with every stderr line, and a way to send the process SIGTERM. */
  readonly onStderr?: (line: string, kill: () => void) => void;
}

/**
 * Starts one of the repository's TypeScript CLIs (path relative to the repository) as its own process, as the
 * clusters' OS user when the suite runs as root, so it can read and write the cluster's files.
 */
export function launchCli(script: string, args: readonly string[], options: LaunchOptions): { child: ChildProcess; done: Promise<CliRun> } {
  const owner = clusterOwner();
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: options.env,
    ...(owner && { uid: owner.uid, gid: owner.gid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split("\n")) options.onStderr?.(line, () => child.kill("SIGTERM"));
  });
  const done = new Promise<CliRun>((resolve) => child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })));
  return { child, done };
}

/** What a logical or Redis backup CLI needs against a test cluster: its programs, a database, the key and locks under `work`. */
export function backupCliEnv(server: Pick<PostgresServer, "binDir" | "url">, work: string, key: string, databaseUrl = server.url): Record<string, string> {
  return {
    PATH: `${server.binDir}:${process.env["PATH"]}`,
    HOME: work,
    PG_BIN_DIR: server.binDir,
    DATABASE_URL: databaseUrl,
    BACKUP_ENCRYPTION_KEY: key,
    BACKUP_LOCK_DIR: join(work, "locks"),
  };
}
