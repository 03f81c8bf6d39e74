import { UsageError } from "../lib/cli-args.js";
import { downCommand } from "./command-down.js";
import { lintCommand } from "./command-lint.js";
import { newCommand } from "./command-new.js";
import { planCommand } from "./command-plan.js";
import { statusCommand } from "./command-status.js";
import { upCommand } from "./command-up.js";
import { verifyCommand } from "./command-verify.js";
import type { CliContext, Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { failureExit } from "./exit.js";

const COMMANDS: Readonly<Record<string, Command>> = {
  new: newCommand,
  status: statusCommand,
  plan: planCommand,
  up: upCommand,
  down: downCommand,
  verify: verifyCommand,
  lint: lintCommand,
};

const HELP = `Usage: npm run db:migrate -- <command> [flags]      (npm run db:migrate -- <command> --help for its flags)

Versioned SQL migrations in sql/migrations/<UTC yyyymmddhhmmss>_<name>.sql, applied in order and recorded in
migration_runner.ledger; every up/down run is appended to migration_runner.audit_log.

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join("\n")}

Connection: DATABASE_URL (or DATABASE_URL_FILE), else PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD (or PGPASSWORD_FILE).
Exit codes: 0 success, 1 failure (SQL error, drift, findings, refusal), 2 bad command line, 3 lock timeout.`;

/** Runs `db:migrate` and returns its exit code. */
export async function runMigrateCli(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "help") {
      context.output.out(HELP);
      return EXIT.ok;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}'; expected one of ${Object.keys(COMMANDS).join(", ")}`);
    return await command.run(rest, context);
  } catch (error) {
    return failureExit(error, context.output, `db:migrate ${name ?? ""}`.trim());
  }
}
