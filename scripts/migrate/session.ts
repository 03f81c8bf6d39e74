import { hostname, userInfo } from "node:os";
import type pg from "pg";
import type { Output } from "../lib/report.js";
import { connect, type ConnectionTarget } from "./connection.js";
import { ensureLedger, ledgerExists, recordRun, type AuditEntry, type RunResult } from "./ledger.js";
import { acquireMigrationLock, releaseMigrationLock } from "./lock.js";
import { PlanError } from "./plan.js";
import { MigrationFailedError } from "./runner.js";
import type { Env } from "../lib/secrets.js";

/** What a locked command did, for the audit log. */
export interface RunOutcome {
  readonly result: RunResult;
  /** Versions applied or reverted. */
  readonly migrations: readonly string[];
}

/** Who runs the command: MIGRATE_ACTOR when set (a CI job, a ticket), else the OS user and host. */
export function actorFromEnv(env: Env): string {
  const given = env["MIGRATE_ACTOR"]?.trim();
  if (given) return given;
  let user = env["USER"] ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry for this uid (common in containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

async function audit(client: pg.Client, output: Output, entry: AuditEntry): Promise<void> {
  try {
    if (await ledgerExists(client)) await recordRun(client, entry);
  } catch (error) {
    output.err(`warning: could not write the audit log: ${(error as Error).message}`);
  }
}

/**
 * Connects, takes the migration lock (waiting at most `lockTimeoutMs`), makes sure the ledger exists, runs `body`
 * and appends the run to the audit log, failures included; the lock is released whatever happens.
 */
export async function withMigrationLock(
  target: ConnectionTarget,
  command: string,
  actor: string,
  lockTimeoutMs: number,
  output: Output,
  body: (client: pg.Client) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const startedAt = new Date();
  const client = await connect(target);
  try {
    let outcome: RunOutcome;
    try {
      await acquireMigrationLock(client, lockTimeoutMs, (line) => output.err(line));
      await ensureLedger(client);
      outcome = await body(client);
    } catch (error) {
      const migrations = error instanceof MigrationFailedError ? [...error.completed.map((s) => s.version), error.migration.version] : [];
      const result = error instanceof PlanError ? "refused" : "failure";
      await audit(client, output, { command, actor, migrations, result, error: (error as Error).message, startedAt });
      throw error;
    }
    await audit(client, output, { command, actor, migrations: outcome.migrations, result: outcome.result, error: undefined, startedAt });
    return outcome;
  } finally {
    await releaseMigrationLock(client).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
