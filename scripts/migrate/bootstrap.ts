import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { diffCatalog, snapshotCatalog, type CatalogChange } from "./catalog.js";
import { runStatements } from "./execute.js";
import { scramParameters, scramVerifier, PasswordFormatError } from "./scram.js";
import { readSecret, SecretError, type Env } from "../lib/secrets.js";
import { splitStatements } from "./sql-statements.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The repository's bootstrap SQL. */
export const BOOTSTRAP_DIR = join(REPO_ROOT, "sql", "bootstrap");

/** Which environment variable holds each login role's password. */
export const ROLE_PASSWORD_ENV: Readonly<Record<string, string>> = {
  authenticator: "AUTHENTICATOR_PASSWORD",
  supabase_auth_admin: "SUPABASE_AUTH_ADMIN_PASSWORD",
  supabase_admin: "POSTGRES_PASSWORD",
};

const NOTICE_PREFIX = "bootstrap: ";

/** What a bootstrap run changed (or, dry, would change). */
export interface BootstrapReport {
  /** Catalog objects added, removed or changed. */
  readonly changes: readonly CatalogChange[];
  /** What the SQL reported: passwords set, extensions missing, attributes only a superuser can grant. */
  readonly notes: readonly string[];
}

/** Options of one bootstrap run. */
export interface BootstrapOptions {
  /** Role → password; roles left out keep their password. */
  readonly passwords: ReadonlyMap<string, string>;
  /** Roll back at the end instead of committing. */
  readonly dryRun?: boolean;
  readonly dir?: string;
}

/** Reads every role password (NAME or NAME_FILE); all are required unless `required` is false. */
export function passwordsFromEnv(env: Env, required = true): Map<string, string> {
  const passwords = new Map<string, string>();
  const missing: string[] = [];
  for (const [role, name] of Object.entries(ROLE_PASSWORD_ENV)) {
    const value = readSecret(env, name);
    if (value === undefined) missing.push(name);
    else passwords.set(role, value);
  }
  if (required && missing.length > 0) throw new SecretError(`missing role passwords: set ${missing.map((n) => `${n} (or ${n}_FILE)`).join(", ")}`);
  return passwords;
}

/** The bootstrap files in the order they run. */
function bootstrapFiles(dir = BOOTSTRAP_DIR): { file: string; sql: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const shown = relative(REPO_ROOT, path);
      return { file: shown.startsWith("..") ? path : shown, sql: readFileSync(path, "utf8") };
    });
}

/** SCRAM verifiers for the passwords, reusing each role's stored salt so that an unchanged password gives the stored verifier. */
async function verifiers(client: pg.Client, passwords: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const stored = new Map<string, string | null>();
  const readable = await client.query<{ ok: boolean }>("SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS ok");
  if (readable.rows[0]?.ok) {
    const rows = await client.query<{ rolname: string; rolpassword: string | null }>(
      "SELECT rolname, rolpassword FROM pg_catalog.pg_authid WHERE rolname = ANY ($1)",
      [[...passwords.keys()]],
    );
    for (const row of rows.rows) stored.set(row.rolname, row.rolpassword);
  }
  const result = new Map<string, string>();
  for (const [role, password] of passwords) {
    try {
      const parameters = scramParameters(stored.get(role));
      result.set(role, parameters ? scramVerifier(password, parameters) : scramVerifier(password));
    } catch (error) {
      if (error instanceof PasswordFormatError) throw new SecretError(`${ROLE_PASSWORD_ENV[role] ?? role}: ${error.message}`);
      throw error;
    }
  }
  return result;
}

/** Applies the bootstrap SQL in one transaction and reports what changed; on any error nothing changes. */
export async function bootstrap(client: pg.Client, options: BootstrapOptions): Promise<BootstrapReport> {
  const files = bootstrapFiles(options.dir).map((f) => ({ ...f, statements: splitStatements(f.sql) }));
  const settings = await verifiers(client, options.passwords);
  const notes: string[] = [];
  const onNotice = (notice: { message?: string }): void => {
    if (notice.message?.startsWith(NOTICE_PREFIX)) notes.push(notice.message.slice(NOTICE_PREFIX.length));
  };
  client.on("notice", onNotice);
  const before = await snapshotCatalog(client);
  await client.query("BEGIN");
  try {
    for (const [role, verifier] of settings) {
      await client.query("SELECT set_config($1, $2, true)", [`bootstrap.${role}_password`, verifier]);
    }
    for (const file of files) await runStatements(client, file.file, file.statements);
    const after = await snapshotCatalog(client);
    await client.query(options.dryRun ? "ROLLBACK" : "COMMIT");
    return { changes: diffCatalog(before, after), notes };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.removeListener("notice", onNotice);
  }
}
