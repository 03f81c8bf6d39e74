import { join } from "node:path";
import type pg from "pg";
import { backupFolder, type BackupManifest } from "./manifest.js";
import { connect, withDatabase, type DatabaseTarget } from "../lib/database-target.js";
import { requireFreeSpace } from "./disk-space.js";
import type { EncryptionKey } from "./encryption.js";
import { DUMP_DIR, ROLES_FILE } from "./logical-dump.js";
import { pgBinary } from "./pg-binaries.js";
import { compareCounts, countRows, describeMismatches, listTables, quoteIdent } from "./row-counts.js";
import { childEnv, runProcess } from "./run-process.js";
import type { Env } from "../lib/secrets.js";
import type { BackupStore } from "./store.js";
import { downloadFiles } from "./transfer.js";
import { scratchDir } from "./work-dir.js";

/** One logical restore: which backup, into which database, and how an existing one is treated. */
export interface LogicalRestoreRequest {
  readonly manifest: BackupManifest;
  readonly store: BackupStore;
  readonly key: EncryptionKey;
  /** A superuser connection to the server restored into (supabase_admin on the supabase image). */
  readonly server: DatabaseTarget;
  readonly targetDatabase: string;
  /** Drop and recreate the target database when it already holds objects. */
  readonly force: boolean;
  readonly jobs: number;
  readonly workDir?: string;
  readonly env: Env;
  readonly note: (line: string) => void;
}

/** What was restored and how long it took. */
export interface LogicalRestoreResult {
  readonly id: string;
  readonly database: string;
  readonly tables: number;
  readonly seconds: number;
}

/** A database to run CREATE/DROP DATABASE from: never the target itself. */
export function maintenanceDatabase(server: DatabaseTarget, target: string): string {
  if (server.database !== target) return server.database;
  return target === "postgres" ? "template1" : "postgres";
}

async function userObjects(admin: pg.Client, server: DatabaseTarget, database: string): Promise<number | undefined> {
  const exists = await admin.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) return undefined;
  const client = await connect(withDatabase(server, database), "supabase-restore inspect");
  try {
    const result = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
            + (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql') AS n`,
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function run(cmd: string, args: readonly string[], env: Record<string, string>, what: string, note: (line: string) => void): Promise<void> {
  const result = await runProcess(cmd, args, { env, onLine: (line) => /ERROR|FATAL/.test(line) && note(`${what}: ${line}`) });
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n  ${result.tail.slice(-5).join("\n  ")}`);
}

/**
 * Restores a logical backup: checks free space, refuses a target database that already holds objects unless forced,
 * downloads and decrypts every file (sha256-checked), replays the roles, creates the database, runs pg_restore with
 * `jobs` workers, and compares every table's row count with the backup's. Throws on any mismatch.
 */
export async function restoreLogical(request: LogicalRestoreRequest): Promise<LogicalRestoreResult> {
  const started = Date.now();
  const { manifest, server, targetDatabase, note } = request;
  const admin = await connect(withDatabase(server, maintenanceDatabase(server, targetDatabase)), "supabase-restore");
  const scratch = scratchDir("logical-restore", request.workDir);
  try {
    const existing = await userObjects(admin, server, targetDatabase);
    if (existing !== undefined && existing > 0 && !request.force) {
      throw new Error(`database '${targetDatabase}' is not empty (${existing} relations or extensions); pass --target-db <new name>, or --force to drop and recreate it`);
    }
    requireFreeSpace(scratch.path, manifest.files.reduce((sum, f) => sum + f.plainBytes, 0), `downloading backup ${manifest.id}`);
    await downloadFiles(request.store, backupFolder("logical", manifest.id), manifest.files, scratch.path, request.key, `logical: downloading ${manifest.id}`, note);

    const adminEnv = childEnv({ ...withDatabase(server, maintenanceDatabase(server, targetDatabase)).libpqEnv }, request.env);
    note("logical: restoring roles");
    await run(pgBinary("psql", request.env), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", join(scratch.path, ROLES_FILE)], adminEnv, "psql roles.sql", note);

    if (existing !== undefined) {
      note(`logical: dropping database ${targetDatabase} (--force)`);
      await admin.query(`DROP DATABASE ${quoteIdent(targetDatabase)} WITH (FORCE)`);
    }
    const owner = typeof manifest.source["owner"] === "string" ? ` OWNER ${quoteIdent(manifest.source["owner"])}` : "";
    const encoding = typeof manifest.source["encoding"] === "string" && /^[A-Z0-9_]+$/.test(manifest.source["encoding"]) ? ` ENCODING '${manifest.source["encoding"]}'` : "";
    await admin.query(`CREATE DATABASE ${quoteIdent(targetDatabase)} TEMPLATE template0${owner}${encoding}`);

    note(`logical: pg_restore into ${targetDatabase} with ${request.jobs} job(s)`);
    const target = withDatabase(server, targetDatabase);
    await run(pgBinary("pg_restore", request.env), ["-j", String(request.jobs), "--exit-on-error", "-d", targetDatabase, join(scratch.path, DUMP_DIR)], childEnv({ ...target.libpqEnv }, request.env), "pg_restore", note);

    const client = await connect(target, "supabase-restore verify");
    try {
      const mismatches = compareCounts(manifest.rowCounts ?? {}, await countRows(client, await listTables(client)));
      if (mismatches.length > 0) throw new Error(`row counts differ from the backup's in ${mismatches.length} table(s):\n  ${describeMismatches(mismatches)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    return { id: manifest.id, database: targetDatabase, tables: Object.keys(manifest.rowCounts ?? {}).length, seconds: (Date.now() - started) / 1000 };
  } finally {
    scratch.remove();
    await admin.end().catch(() => undefined);
  }
}
