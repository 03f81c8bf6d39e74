import { connect, type DatabaseTarget } from "../lib/database-target.js";

/** A btree index that amcheck found corrupt. */
export interface IndexFailure {
  readonly database: string;
  readonly index: string;
  readonly error: string;
}

/** What amcheck looked at and what it found. */
export interface AmcheckReport {
  readonly databases: number;
  readonly indexes: number;
  readonly failures: readonly IndexFailure[];
}

/**
 * Runs amcheck's bt_index_check (with heapallindexed, so every heap tuple must be in the index) on every valid btree index
 * of every database that accepts connections. Creates the amcheck extension where missing: meant for scratch copies only.
 */
export async function checkBtreeIndexes(targetFor: (database: string) => DatabaseTarget, note: (line: string) => void): Promise<AmcheckReport> {
  const root = await connect(targetFor("postgres"), "supabase-drill amcheck");
  let databases: string[];
  try {
    databases = (await root.query<{ datname: string }>("SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY 1")).rows.map((r) => r.datname);
  } finally {
    await root.end().catch(() => undefined);
  }
  let indexes = 0;
  const failures: IndexFailure[] = [];
  for (const database of databases) {
    const client = await connect(targetFor(database), "supabase-drill amcheck");
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS amcheck");
      const list = await client.query<{ oid: number; name: string }>(
        `SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name
           FROM pg_catalog.pg_index i
           JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_am am ON am.oid = c.relam
          WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready AND c.relpersistence <> 't'
          ORDER BY 2`,
      );
      for (const index of list.rows) {
        indexes++;
        try {
          await client.query("SELECT bt_index_check(index => $1::regclass, heapallindexed => true)", [index.oid]);
        } catch (error) {
          failures.push({ database, index: index.name, error: (error as Error).message });
        }
      }
      note(`drill: amcheck ${database}: ${list.rows.length} btree indexes`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { databases: databases.length, indexes, failures };
}
