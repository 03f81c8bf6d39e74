import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { connect, type DatabaseTarget } from "../lib/database-target.js";
import { idempotentRoles } from "./roles-sql.js";
import { countRows, listTables, type RowCounts } from "./row-counts.js";
import { captureProcess, childEnv, runProcess } from "./run-process.js";
import { pgBinary } from "./pg-binaries.js";
import type { Env } from "../lib/secrets.js";

/** A dump on local disk, checked and ready to upload. */
export interface LocalDump {
  readonly root: string;
  /** Files under root, `/`-separated: roles.sql and dump/ (pg_dump directory format). */
  readonly files: readonly string[];
  readonly counts: RowCounts;
  readonly source: Readonly<Record<string, string | number | boolean>>;
  /** What was checked before upload. */
  readonly checks: readonly string[];
}

/** Name of the roles file in a logical backup. */
export const ROLES_FILE = "roles.sql";
/** Folder of the pg_dump directory-format archive in a logical backup. */
export const DUMP_DIR = "dump";
/** Name of the pgsodium root key in a logical backup. */
export const PGSODIUM_KEY_FILE = "pgsodium_root.key";
/** Where the supabase/postgres image keeps the pgsodium root key (the pgsodium volume). */
export const DEFAULT_PGSODIUM_KEY_PATH = "/etc/postgresql-custom/pgsodium_root.key";

async function run(cmd: string, args: readonly string[], env: Record<string, string>, what: string, stdoutFile?: string): Promise<void> {
  const result = await runProcess(cmd, args, { env, ...(stdoutFile && { stdoutFile }) });
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n  ${result.tail.slice(-5).join("\n  ")}`);
}

function listFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

/** What to dump and where the server keeps the pgsodium root key. */
export interface DumpRequest {
  readonly target: DatabaseTarget;
  /** Local directory the dump is written to. */
  readonly root: string;
  readonly jobs: number;
  /** Path of the pgsodium root key on the database server, read through it (superuser). */
  readonly pgsodiumKeyPath: string;
  readonly env: Env;
  readonly note: (line: string) => void;
}

/**
 * Dumps one database for disaster recovery: every role with its password (pg_dumpall --roles-only, rewritten to replay
 * onto a cluster that already has the supabase roles), the pgsodium root key, which lives outside the data directory and
 * without which Vault secrets cannot be decrypted (read by the server, so the job needs no access to its volume), and
 * the database in directory format with `jobs` parallel workers, all inside one exported snapshot whose row counts are
 * recorded. The archive is then read back with `pg_restore --list`. Output goes to files written by the tools
 * themselves, never through this process.
 */
export async function dumpDatabase(request: DumpRequest): Promise<LocalDump> {
  const { target, root, jobs, env, note } = request;
  const toolEnv = childEnv({ ...target.libpqEnv }, env);
  const client = await connect(target, "supabase-backup logical");
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const snapshot = (await client.query<{ id: string }>("SELECT pg_catalog.pg_export_snapshot() AS id")).rows[0]!.id;
    const facts = (
      await client.query<{ version: string; owner: string; encoding: string }>(
        "SELECT current_setting('server_version') AS version, pg_catalog.pg_get_userbyid(d.datdba) AS owner, pg_catalog.pg_encoding_to_char(d.encoding) AS encoding FROM pg_catalog.pg_database d WHERE d.datname = current_database()",
      )
    ).rows[0]!;
    const key = (await client.query<{ key: Buffer | null }>("SELECT pg_catalog.pg_read_binary_file($1, 0, 65536, true) AS key", [request.pgsodiumKeyPath])).rows[0]!.key;
    if (key) writeFileSync(join(root, PGSODIUM_KEY_FILE), key, { mode: 0o600 });
    else note(`logical: no pgsodium root key at ${request.pgsodiumKeyPath} on the server; the backup holds none`);

    note("logical: dumping roles (pg_dumpall --roles-only)");
    const rawRoles = join(root, "roles.raw.sql");
    await run(pgBinary("pg_dumpall", env), ["--roles-only", "--no-comments", "-l", target.database, "-f", rawRoles], toolEnv, "pg_dumpall --roles-only");
    writeFileSync(join(root, ROLES_FILE), idempotentRoles(readFileSync(rawRoles, "utf8")), { mode: 0o600 });

    note(`logical: dumping ${target.database} with ${jobs} parallel job(s) (pg_dump -Fd) while counting its rows in the same snapshot`);
    const dumped = run(pgBinary("pg_dump", env), ["-Fd", "-j", String(jobs), `--snapshot=${snapshot}`, "--no-sync", "-f", join(root, DUMP_DIR), target.database], toolEnv, "pg_dump");
    const [counted, dump] = await Promise.allSettled([listTables(client).then((tables) => countRows(client, tables)), dumped]);
    if (dump.status === "rejected") throw dump.reason;
    if (counted.status === "rejected") throw counted.reason;
    const counts = counted.value;
    await client.query("COMMIT");

    await run(pgBinary("pg_restore", env), ["--list", join(root, DUMP_DIR)], toolEnv, "pg_restore --list", join(root, "toc.list"));
    const pgDumpVersion = (await captureProcess(pgBinary("pg_dump", env), ["--version"], toolEnv)).trim();
    return {
      root,
      files: listFiles(root).filter((f) => f === ROLES_FILE || f === PGSODIUM_KEY_FILE || f.startsWith(`${DUMP_DIR}/`)),
      counts,
      source: { database: target.database, owner: facts.owner, encoding: facts.encoding, serverVersion: facts.version, pgDump: pgDumpVersion, jobs, pgsodiumRootKey: key !== null },
      checks: [
        "pg_restore --list read the archive's table of contents",
        "row counts taken in the dump's snapshot",
        ...(key ? [`pgsodium root key read from ${request.pgsodiumKeyPath} (${key.length} bytes)`] : []),
      ],
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
