import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { type Runner, systemRunner } from "./command-runner.js";

/** Everything the preflight checks learn about the machine, injectable so tests can simulate one. */
export interface Host {
  /** Runs a command and captures its output. */
  readonly run: Runner;
  /** Environment variables as the CLI sees them. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 file; undefined when it is missing or unreadable. */
  readonly readFile: (path: string) => string | undefined;
  /** Permission bits of a file; undefined when it is missing. */
  readonly fileMode: (path: string) => number | undefined;
  /** Absolute path of the repository root. */
  readonly repoDir: string;
  /** The user's home directory, for ~/.kube/config and ~/.pulumi. */
  readonly homeDir: string;
}

/** The real machine: system commands, process.env and the local file system. */
export function systemHost(repoDir: string): Host {
  return {
    run: systemRunner,
    env: process.env,
    readFile: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    fileMode: (path) => {
      try {
        return statSync(path).mode & 0o777;
      } catch {
        return undefined;
      }
    },
    repoDir,
    homeDir: homedir(),
  };
}
