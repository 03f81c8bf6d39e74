import type pg from "pg";
import type { Migration } from "./migration-file.js";
import type { AppliedMigration } from "./plan.js";

/** The schema holding the runner's own tables; not exposed through the API. */
const LEDGER_SCHEMA = "migration_runner";

/** Outcome of one runner invocation, as recorded in the audit log. */
export type RunResult = "success" | "noop" | "refused" | "failure";

/** One row of the append-only audit log. */
export interface AuditEntry {
  readonly command: string;
  readonly actor: string;
  readonly migrations: readonly string[];
  readonly result: RunResult;
  readonly error: string | undefined;
  readonly startedAt: Date;
}

const DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${LEDGER_SCHEMA}`,
  `REVOKE ALL ON SCHEMA ${LEDGER_SCHEMA} FROM PUBLIC`,
  `CREATE TABLE IF NOT EXISTS ${LEDGER_SCHEMA}.ledger (
     version text CONSTRAINT ledger_pkey PRIMARY KEY CONSTRAINT ledger_version_format CHECK (version ~ '^[0-9]{14}$'),
     name text NOT NULL,
     checksum text NOT NULL CONSTRAINT ledger_checksum_format CHECK (checksum ~ '^[0-9a-f]{64}$'),
     applied_at timestamptz NOT NULL DEFAULT now(),
     applied_by text NOT NULL,
     duration_ms integer NOT NULL CONSTRAINT ledger_duration_positive CHECK (duration_ms >= 0),
     transactional boolean NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS ${LEDGER_SCHEMA}.audit_log (
     id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_log_pkey PRIMARY KEY,
     started_at timestamptz NOT NULL,
     finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     actor text NOT NULL,
     db_user text NOT NULL DEFAULT current_user,
     command text NOT NULL,
     migrations text[] NOT NULL,
     result text NOT NULL CONSTRAINT audit_log_result CHECK (result IN ('success', 'noop', 'refused', 'failure')),
     error text
   )`,
  `CREATE OR REPLACE FUNCTION ${LEDGER_SCHEMA}.reject_audit_change() RETURNS trigger
   LANGUAGE plpgsql SET search_path = '' AS $fn$
   BEGIN
     RAISE EXCEPTION '${LEDGER_SCHEMA}.audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
   END
   $fn$`,
  `DROP TRIGGER IF EXISTS audit_log_append_only ON ${LEDGER_SCHEMA}.audit_log`,
  `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ${LEDGER_SCHEMA}.audit_log
   FOR EACH ROW EXECUTE FUNCTION ${LEDGER_SCHEMA}.reject_audit_change()`,
  `DROP TRIGGER IF EXISTS audit_log_no_truncate ON ${LEDGER_SCHEMA}.audit_log`,
  `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${LEDGER_SCHEMA}.audit_log
   FOR EACH STATEMENT EXECUTE FUNCTION ${LEDGER_SCHEMA}.reject_audit_change()`,
];

/** True when the ledger tables exist. */
export async function ledgerExists(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ ok: boolean }>(
    `SELECT to_regclass('${LEDGER_SCHEMA}.ledger') IS NOT NULL AND to_regclass('${LEDGER_SCHEMA}.audit_log') IS NOT NULL AS ok`,
  );
  return result.rows[0]?.ok === true;
}

/** Creates the ledger and audit tables when missing; call it while holding the migration lock. */
export async function ensureLedger(client: pg.Client): Promise<void> {
  if (await ledgerExists(client)) return;
  await client.query("BEGIN");
  try {
    for (const statement of DDL) await client.query(statement);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** The applied migrations, oldest first; empty when the ledger does not exist yet. */
export async function readLedger(client: pg.Client): Promise<AppliedMigration[]> {
  if (!(await ledgerExists(client))) return [];
  const result = await client.query<{ version: string; name: string; checksum: string; applied_at: Date; applied_by: string; duration_ms: number }>(
    `SELECT version, name, checksum, applied_at, applied_by, duration_ms FROM ${LEDGER_SCHEMA}.ledger ORDER BY version`,
  );
  return result.rows.map((r) => ({
    version: r.version,
    name: r.name,
    checksum: r.checksum,
    appliedAt: r.applied_at,
    appliedBy: r.applied_by,
    durationMs: r.duration_ms,
  }));
}

/** Records an applied migration (inside the migration's transaction when it has one). */
export async function recordApplied(client: pg.Client, migration: Migration, actor: string, durationMs: number): Promise<void> {
  await client.query(
    `INSERT INTO ${LEDGER_SCHEMA}.ledger (version, name, checksum, applied_by, duration_ms, transactional) VALUES ($1, $2, $3, $4, $5, $6)`,
    [migration.version, migration.name, migration.checksum, actor, Math.round(durationMs), migration.transactional],
  );
}

/** Removes a rolled-back migration from the ledger. */
export async function removeApplied(client: pg.Client, version: string): Promise<void> {
  await client.query(`DELETE FROM ${LEDGER_SCHEMA}.ledger WHERE version = $1`, [version]);
}

/** Appends one run to the audit log. */
export async function recordRun(client: pg.Client, entry: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO ${LEDGER_SCHEMA}.audit_log (started_at, actor, command, migrations, result, error) VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.startedAt, entry.actor, entry.command, entry.migrations, entry.result, entry.error ?? null],
  );
}
