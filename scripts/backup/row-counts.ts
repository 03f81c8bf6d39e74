import type pg from "pg";

/** Rows per table, keyed `schema.table`. */
export type RowCounts = Readonly<Record<string, number>>;

/** A table whose row count differs between what a backup recorded and what a restore holds. */
export interface CountMismatch {
  readonly table: string;
  readonly expected: number | undefined;
  readonly actual: number | undefined;
}

/** A table of the database, by schema and name. */
export interface TableName {
  readonly schema: string;
  readonly name: string;
}

/** Quotes an SQL identifier. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The database's permanent ordinary tables (partition leaves included, partitioned parents not, so no row counts twice);
 * unlogged and temporary tables are left out because a physical restore empties them.
 */
export async function listTables(client: pg.Client): Promise<TableName[]> {
  const result = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence = 'p'
        AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1, 2`,
  );
  return result.rows;
}

/** Counts the rows of each table with the client's current snapshot; row security is off, so a filtered count is an error, never a wrong number. */
export async function countRows(client: pg.Client, tables: readonly TableName[]): Promise<RowCounts> {
  await client.query("SET row_security = off");
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`);
    counts[`${t.schema}.${t.name}`] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Every table whose count differs, including tables present on only one side. */
export function compareCounts(expected: RowCounts, actual: RowCounts): CountMismatch[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return tables.filter((t) => expected[t] !== actual[t]).map((table) => ({ table, expected: expected[table], actual: actual[table] }));
}

/** One line per mismatch, for error messages. */
export function describeMismatches(mismatches: readonly CountMismatch[]): string {
  return mismatches.map((m) => `${m.table}: backup recorded ${m.expected ?? "no table"}, restore has ${m.actual ?? "no table"}`).join("\n  ");
}
