import { UsageError } from "../lib/cli-args.js";
import type { Output } from "../lib/report.js";
import { parseArgs } from "../lib/args.js";
import { bootstrap, passwordsFromEnv, ROLE_PASSWORD_ENV, type BootstrapReport } from "./bootstrap.js";
import type { CatalogChange } from "./catalog.js";
import { connect, targetFromEnv } from "./connection.js";
import { EXIT } from "../lib/exit-codes.js";
import { failureExit } from "./exit.js";
import type { Env } from "../lib/secrets.js";

const HELP = `Usage: npm run db:bootstrap -- [--dry-run] [--json]

Brings a PostgreSQL (15 or newer) server to what the Supabase services need: roles and their attributes,
schemas, extensions, grants, the supabase_realtime publication and the login passwords. Idempotent: a second
run changes nothing. Runs sql/bootstrap/*.sql in one transaction; on any error nothing changes.

Connection (as a superuser: supabase_admin on the supabase/postgres image, postgres elsewhere):
  DATABASE_URL or DATABASE_URL_FILE, else PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD or PGPASSWORD_FILE
Passwords (each also as <NAME>_FILE, a file holding the value):
${Object.entries(ROLE_PASSWORD_ENV).map(([role, name]) => `  ${name.padEnd(30)} login password of ${role}`).join("\n")}

Flags:
  --dry-run   apply, report what changed, then roll back
  --json      print the report as JSON
  --help      this text`;

const SIGN: Record<CatalogChange["change"], string> = { added: "+", removed: "-", changed: "~" };

function render(report: BootstrapReport, target: string, dryRun: boolean): string {
  const verb = dryRun ? "would change" : "changed";
  const lines = [`bootstrap of ${target}: ${report.changes.length === 0 ? "nothing to change" : `${verb} ${report.changes.length} object(s)`}${dryRun ? " (dry run, rolled back)" : ""}`];
  for (const change of report.changes) lines.push(`  ${SIGN[change.change]} ${change.object}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}

/** Runs `db:bootstrap` and returns its exit code. */
export async function runBootstrapCli(argv: readonly string[], env: Env, output: Output): Promise<number> {
  try {
    const args = parseArgs(argv, { switches: ["dry-run", "json", "help"], options: {} }, "db:bootstrap");
    if (args.switches.has("help")) {
      output.out(HELP);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`db:bootstrap: unexpected argument '${args.positional[0]}'; see --help`);
    const dryRun = args.switches.has("dry-run");
    const passwords = passwordsFromEnv(env);
    const target = targetFromEnv(env, "db-bootstrap");
    const client = await connect(target);
    try {
      const report = await bootstrap(client, { passwords, dryRun });
      output.out(args.switches.has("json") ? JSON.stringify({ target: target.description, dryRun, ...report }, null, 2) : render(report, target.description, dryRun));
      return EXIT.ok;
    } finally {
      await client.end();
    }
  } catch (error) {
    return failureExit(error, output, "db:bootstrap");
  }
}
