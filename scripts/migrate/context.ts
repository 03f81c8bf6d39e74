import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Output } from "../lib/report.js";
import { type ValueOption } from "../lib/args.js";
import { DIRECTORY, DURATION, parseDuration } from "./args.js";
import type { Env } from "../lib/secrets.js";

/** What every db:migrate command runs with. */
export interface CliContext {
  readonly env: Env;
  readonly output: Output;
  /** Directory that relative paths on the command line are resolved against. */
  readonly cwd: string;
}

/** A db:migrate command: its help text and what it does. */
export interface Command {
  readonly summary: string;
  readonly help: string;
  readonly run: (argv: readonly string[], context: CliContext) => Promise<number>;
}

/** The repository's migrations. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../sql/migrations/", import.meta.url));
/** How long a runner waits for another one to finish, unless --lock-timeout says otherwise. */
const DEFAULT_LOCK_TIMEOUT = "60s";

/** Flags shared by the commands that read migration files. */
export const DIR_OPTION: Readonly<Record<string, ValueOption>> = { dir: DIRECTORY };
/** Flags shared by the commands that take the migration lock. */
export const LOCK_OPTION: Readonly<Record<string, ValueOption>> = { "lock-timeout": DURATION };

/** The migrations directory: --dir resolved against the working directory, else the repository's. */
export function migrationsDir(options: Readonly<Record<string, string>>, context: CliContext): string {
  const dir = options["dir"];
  return dir === undefined ? DEFAULT_MIGRATIONS_DIR : resolve(context.cwd, dir);
}

/** The --lock-timeout in milliseconds (validated by the parser). */
export function lockTimeoutMs(options: Readonly<Record<string, string>>): number {
  return parseDuration(options["lock-timeout"] ?? DEFAULT_LOCK_TIMEOUT)!;
}
