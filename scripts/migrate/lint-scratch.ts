import { randomBytes } from "node:crypto";
import type pg from "pg";
import { bootstrap } from "./bootstrap.js";
import { diffCatalog, snapshotCatalog } from "./catalog.js";
import { connect, withDatabase, type ConnectionTarget } from "./connection.js";
import { runStatements } from "./execute.js";
import { ensureLedger } from "./ledger.js";
import { lintCatalog, type CatalogFinding } from "./lint-catalog.js";
import type { Migration } from "./migration-file.js";
import { applyUp } from "./runner.js";

/** Runs an up section once more, outside the ledger, in a transaction unless the migration has none. */
async function rerun(client: pg.Client, migration: Migration): Promise<void> {
  if (!migration.transactional) return runStatements(client, migration.file, migration.up.statements);
  await client.query("BEGIN");
  try {
    await runStatements(client, migration.file, migration.up.statements);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Applies every migration, each twice in a row, to a fresh database. */
async function applyTwice(client: pg.Client, files: readonly Migration[]): Promise<CatalogFinding[]> {
  const findings: CatalogFinding[] = [];
  for (const migration of files) {
    await applyUp(client, [migration], "db-migrate lint", () => undefined);
    const once = await snapshotCatalog(client);
    try {
      await rerun(client, migration);
    } catch (error) {
      findings.push({ rule: "idempotent-rerun", object: `migration ${migration.file}`, message: `fails when run a second time: ${(error as Error).message}` });
      continue;
    }
    const changed = diffCatalog(once, await snapshotCatalog(client));
    if (changed.length > 0) {
      const objects = changed.slice(0, 5).map((c) => `${c.change} ${c.object}`).join(", ");
      findings.push({ rule: "idempotent-rerun", object: `migration ${migration.file}`, message: `a second run changes the catalog: ${objects}${changed.length > 5 ? ", …" : ""}` });
    }
  }
  return findings;
}

/**
 * Creates a scratch database on the target's server, bootstraps it, applies every migration (each twice in a
 * row), checks the catalog rules, and drops the database whatever happens.
 */
export async function lintInScratch(target: ConnectionTarget, files: readonly Migration[], exposedSchemas: readonly string[]): Promise<CatalogFinding[]> {
  const name = `migrate_lint_${randomBytes(6).toString("hex")}`;
  const admin = await connect(target);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const scratch = await connect(withDatabase(target, name));
      try {
        await bootstrap(scratch, { passwords: new Map() });
        await ensureLedger(scratch);
        const findings = await applyTwice(scratch, files);
        return [...findings, ...(await lintCatalog(scratch, exposedSchemas))];
      } finally {
        await scratch.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
