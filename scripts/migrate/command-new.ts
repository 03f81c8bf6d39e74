import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { DIR_OPTION, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { FILE_NAME } from "./migration-file.js";

const NAME = /^[a-z][a-z0-9_]{0,59}$/;

const TEMPLATE = `-- migrate:up


-- migrate:down

`;

/** yyyymmddhhmmss of a UTC instant. */
export function versionOf(instant: Date): string {
  return instant.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** The version for a new migration: now (UTC), or one second after the newest existing one when the clock is behind it. */
export function nextVersion(existing: readonly string[], now: Date): string {
  const newest = existing.reduce((max, v) => (v > max ? v : max), "");
  if (versionOf(now) > newest) return versionOf(now);
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(newest)!;
  return versionOf(new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s) + 1)));
}

/** `new <name>`: writes an empty migration file named after the current UTC time. */
export const newCommand: Command = {
  summary: "create sql/migrations/<yyyymmddhhmmss>_<name>.sql with up and down sections",
  help: `Usage: npm run db:migrate -- new <name> [--dir <path>]

Creates <dir>/<UTC yyyymmddhhmmss>_<name>.sql with '-- migrate:up' and '-- migrate:down' sections.
Add '-- migrate:no-transaction' above '-- migrate:up' for a statement that cannot run in a transaction
(CREATE INDEX CONCURRENTLY); such a file holds exactly one statement per section.

  <name>          lower-case letters, digits and _, starting with a letter (at most 60)
  --dir <path>    migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["help"], options: DIR_OPTION }, "new");
    if (args.switches.has("help")) {
      context.output.out(newCommand.help);
      return EXIT.ok;
    }
    const [name, extra] = args.positional;
    if (name === undefined) throw new UsageError("new: missing <name>, for example: new add_projects_table");
    if (extra !== undefined) throw new UsageError(`new: unexpected argument '${extra}'; give one <name>`);
    if (!NAME.test(name)) throw new UsageError(`new: name '${name}' is not allowed; expected lower-case letters, digits and _, starting with a letter, at most 60 characters`);
    const dir = migrationsDir(args.options, context);
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir).flatMap((file) => FILE_NAME.exec(file)?.[1] ?? []);
    const path = join(dir, `${nextVersion(existing, new Date())}_${name}.sql`);
    writeFileSync(path, TEMPLATE, { flag: "wx" });
    context.output.out(relative(context.cwd, path) || path);
    return EXIT.ok;
  },
};
