import { performance } from "node:perf_hooks";
import type pg from "pg";
import { pinpoint, runBatch, runStatements, SqlError, UnlocatedError } from "./execute.js";
import { recordApplied, removeApplied } from "./ledger.js";
import type { Migration, Section } from "./migration-file.js";
import { keyword, type Statement } from "./sql-statements.js";

/** One migration the runner applied or reverted. */
export interface StepResult {
  readonly version: string;
  readonly name: string;
  readonly durationMs: number;
}

/** Raised when a migration fails; everything before it stays applied, it and everything after did not happen. */
export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(
    message: string,
    readonly migration: Migration,
    readonly completed: readonly StepResult[],
  ) {
    super(message);
  }
}

const TRANSACTION_CONTROL = new Set(["BEGIN", "COMMIT", "ROLLBACK", "END", "ABORT", "START", "PREPARE"]);

/** The transaction-control keyword a statement starts with (BEGIN, COMMIT …), if any. */
export function transactionControl(statement: Statement): string | undefined {
  const first = keyword(statement.tokens[0]);
  return first !== undefined && TRANSACTION_CONTROL.has(first) ? first : undefined;
}

/** Problems that forbid running these migrations at all: transaction control inside a migration. */
export function preflight(migrations: readonly Migration[], direction: "up" | "down"): string[] {
  const problems: string[] = [];
  for (const migration of migrations) {
    const section = direction === "up" ? migration.up : migration.down;
    for (const statement of section?.statements ?? []) {
      const control = transactionControl(statement);
      if (control) problems.push(`${migration.file}:${statement.line}: ${control} is not allowed in a migration; the runner gives each migration its own transaction`);
    }
  }
  return problems;
}

/**
 * Runs a section and then its ledger change. A transactional migration goes to the server as one batch inside its
 * own transaction; a non-transactional one statement by statement. Returns the section's run time.
 */
async function runSection(client: pg.Client, migration: Migration, section: Section, ledgerChange: (elapsedMs: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  if (!migration.transactional) {
    await runStatements(client, migration.file, section.statements);
    const elapsed = performance.now() - started;
    await ledgerChange(elapsed);
    return elapsed;
  }
  let elapsed = 0;
  try {
    await runBatch(client, migration.file, section.statements, "BEGIN;\n");
    elapsed = performance.now() - started;
    await ledgerChange(elapsed);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error instanceof UnlocatedError ? await pinpoint(client, migration.file, section.statements, error) : error;
  }
  return elapsed;
}

function failure(error: unknown, migration: Migration, completed: StepResult[]): MigrationFailedError {
  const detail = error instanceof SqlError ? error.message : `${migration.file}: ${(error as Error).message}`;
  const partial = migration.transactional
    ? ""
    : "\n  this migration runs without a transaction: statements before the failing one stayed applied (an index built CONCURRENTLY may be left INVALID; drop it before retrying)";
  return new MigrationFailedError(`${detail}${partial}`, migration, completed);
}

async function applyEach(
  client: pg.Client,
  migrations: readonly Migration[],
  direction: "up" | "down",
  ledgerChange: (migration: Migration, elapsedMs: number) => Promise<void>,
  onStep: (step: StepResult) => void,
): Promise<StepResult[]> {
  const completed: StepResult[] = [];
  for (const migration of migrations) {
    const section = direction === "up" ? migration.up : migration.down;
    if (!section) throw new MigrationFailedError(`${migration.file}: has no ${direction} part`, migration, completed);
    const elapsed = await runSection(client, migration, section, (ms) => ledgerChange(migration, ms)).catch((error: unknown) => {
      throw failure(error, migration, completed);
    });
    const step = { version: migration.version, name: migration.name, durationMs: elapsed };
    completed.push(step);
    onStep(step);
  }
  return completed;
}

/** Applies migrations in order, each in its own transaction (or statement by statement for no-transaction ones), recording each in the ledger. */
export function applyUp(client: pg.Client, migrations: readonly Migration[], actor: string, onStep: (step: StepResult) => void): Promise<StepResult[]> {
  return applyEach(client, migrations, "up", (migration, ms) => recordApplied(client, migration, actor, ms), onStep);
}

/** Reverts migrations in the given order (newest first), each in its own transaction, removing each from the ledger. */
export function applyDown(client: pg.Client, migrations: readonly Migration[], onStep: (step: StepResult) => void): Promise<StepResult[]> {
  return applyEach(client, migrations, "down", (migration) => removeApplied(client, migration.version), onStep);
}
