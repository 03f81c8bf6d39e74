import { childEnv, captureProcess, runProcess, type RunResult } from "./run-process.js";
import { PGBACKREST_SECRET_ENV } from "./pgbackrest-config.js";
import type { PgbackrestTarget } from "./pgbackrest-args.js";
import { parseStanzaInfo, UNREADABLE_CODE, type PgbackrestStanzaInfo } from "./pgbackrest-info.js";
import { readSecret, SecretError, type Env } from "../lib/secrets.js";

/** How to call pgBackRest: the binary, the config file and stanza, and the environment holding its secrets. */
export interface Pgbackrest {
  readonly binary: string;
  readonly target: PgbackrestTarget;
  readonly env: Readonly<Record<string, string>>;
}

/** Default location of the configuration file, as pgBackRest itself assumes. */
export const DEFAULT_PGBACKREST_CONFIG = "/etc/pgbackrest/pgbackrest.conf";

/**
 * Builds the pgBackRest environment: PGBACKREST_* settings from ours (pgBackRest's own `*_FILE` options such as
 * PGBACKREST_PG1_HOST_CA_FILE included), its secrets with their `*_FILE` variants read here and passed on as values (the
 * cipher pass required, since the repository is always encrypted), plus PGPASSWORD when the cluster needs one.
 */
export function pgbackrestFromEnv(env: Env, target: PgbackrestTarget): Pgbackrest {
  const settings: Record<string, string> = {};
  const ours = new Set(["PGBACKREST_CONFIG", "PGBACKREST_STANZA", "PGBACKREST_BIN", ...Object.values(PGBACKREST_SECRET_ENV).map((name) => `${name}_FILE`)]);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("PGBACKREST_") && !ours.has(name) && value) settings[name] = value;
  }
  for (const name of Object.values(PGBACKREST_SECRET_ENV)) {
    const value = readSecret(env, name);
    if (value !== undefined) settings[name] = value;
  }
  if (!settings[PGBACKREST_SECRET_ENV.cipherPass]) {
    throw new SecretError(`the pgBackRest repository is encrypted client-side: set ${PGBACKREST_SECRET_ENV.cipherPass} (or ${PGBACKREST_SECRET_ENV.cipherPass}_FILE) to its cipher pass`);
  }
  const password = readSecret(env, "PGPASSWORD");
  return { binary: env["PGBACKREST_BIN"] || "pgbackrest", target, env: childEnv({ ...settings, ...(password !== undefined && { PGPASSWORD: password }) }, env) };
}

/** Runs one pgBackRest command, lines streamed to `onLine`; memory stays bounded. */
export function runPgbackrest(pgbackrest: Pgbackrest, args: readonly string[], onLine?: (line: string) => void, signal?: AbortSignal): Promise<RunResult> {
  return runProcess(pgbackrest.binary, args, { env: pgbackrest.env, ...(onLine && { onLine }), ...(signal && { signal }) });
}

/** The stanza's backups and status from `pgbackrest info --output=json`; throws when the repository cannot be read. */
export async function stanzaInfo(pgbackrest: Pgbackrest): Promise<PgbackrestStanzaInfo> {
  const { configPath, stanza } = pgbackrest.target;
  const text = await captureProcess(pgbackrest.binary, [`--config=${configPath}`, `--stanza=${stanza}`, "--output=json", "--log-level-console=warn", "info"], pgbackrest.env);
  const info = parseStanzaInfo(text, stanza);
  if (info.statusCode === UNREADABLE_CODE) {
    throw new Error(`the pgBackRest repository of stanza '${stanza}' cannot be read (a wrong cipher pass in PGBACKREST_REPO1_CIPHER_PASS, or a damaged info file, reads like this): ${info.statusMessage.split("\n")[0]}`);
  }
  return info;
}

/** An error for a failed pgBackRest command, with the last lines it printed. */
export function pgbackrestFailure(command: string, result: RunResult): Error {
  const lines = result.tail.filter((l) => /ERROR|WARN/.test(l)).slice(-5);
  return new Error(`pgbackrest ${command} exited with ${result.code}${lines.length ? `:\n  ${lines.join("\n  ")}` : ""}`);
}
