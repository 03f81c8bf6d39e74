import { connect, targetFromEnv, type ConnectionTarget } from "./connection.js";
import type { CliContext } from "./context.js";
import { readLedger } from "./ledger.js";
import { loadMigrations, type Migration } from "./migration-file.js";
import { assess, requireKnownVersion, type MigrationState } from "./plan.js";

/** Files and ledger read side by side, without taking the lock. */
export interface Inspection {
  readonly target: ConnectionTarget;
  readonly files: readonly Migration[];
  readonly state: MigrationState;
}

/** Loads the migration files and checks `to` against them (failing before any connection), then reads the ledger. */
export async function inspect(context: CliContext, dir: string, command: string, to?: string): Promise<Inspection> {
  const files = loadMigrations(dir, context.cwd);
  requireKnownVersion(files, to);
  const target = targetFromEnv(context.env, `db-migrate ${command}`);
  const client = await connect(target);
  try {
    return { target, files, state: assess(files, await readLedger(client)) };
  } finally {
    await client.end();
  }
}
