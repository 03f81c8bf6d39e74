import type pg from "pg";
import { connect, type DatabaseTarget } from "../lib/database-target.js";
import type { RecordedPoint } from "./counts-annotation.js";
import { countRows, listTables, quoteIdent } from "./row-counts.js";

const LOCK_TIMEOUT = "10s";
const ATTEMPTS = 3;

async function lockAndMark(holder: pg.Client, reader: pg.Client, name: string): Promise<void> {
  const tables = await listTables(holder);
  await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
  try {
    await holder.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    if (tables.length > 0) await holder.query(`LOCK TABLE ${tables.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`).join(", ")} IN SHARE MODE`);
    const snapshot = (await holder.query<{ id: string }>("SELECT pg_catalog.pg_export_snapshot() AS id")).rows[0]!.id;
    await holder.query("SELECT pg_catalog.pg_create_restore_point($1)", [name]);
    await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await reader.query(`SET TRANSACTION SNAPSHOT '${snapshot.replaceAll("'", "")}'`);
  } finally {
    await holder.query("COMMIT");
  }
}

/**
 * Creates a restore point and records the row count of every table exactly there. Writers are held off (SHARE locks) only
 * while the snapshot is exported and the point is written; the counting runs afterwards in a second session that imported
 * that snapshot, so what it counts is what a recovery stopping at the point holds. WAL is then switched, so the segment
 * holding the point reaches the archive at once instead of after archive_timeout, and a drill can recover to it.
 */
export async function recordRestorePoint(target: DatabaseTarget, name: string): Promise<RecordedPoint> {
  const holder = await connect(target, "supabase-backup restore point");
  const reader = await connect(target, "supabase-backup row counts");
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await lockAndMark(holder, reader, name);
        break;
      } catch (error) {
        await reader.query("ROLLBACK").catch(() => undefined);
        const code = (error as { code?: string }).code;
        const retryable = code === "55P03" || code === "42P01";
        if (!retryable || attempt >= ATTEMPTS) throw new Error(`cannot record restore point '${name}': ${(error as Error).message}`);
      }
    }
    await holder.query("SELECT pg_catalog.pg_switch_wal()");
    const createdAt = new Date().toISOString();
    const counts = await countRows(reader, await listTables(reader));
    await reader.query("COMMIT");
    return { name, database: target.database, createdAt, counts };
  } finally {
    await holder.end().catch(() => undefined);
    await reader.end().catch(() => undefined);
  }
}
