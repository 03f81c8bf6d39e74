import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { VERSION } from "./args.js";
import { DIR_OPTION, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { inspect } from "./inspect.js";
import type { Migration } from "./migration-file.js";
import { pendingThrough, upRefusals } from "./plan.js";
import { preflight } from "./runner.js";

const PREVIEW_LINES = 12;

function preview(migration: Migration): string[] {
  const lines = migration.up.sql.split("\n").filter((line) => line.trim() !== "");
  const shown = lines.slice(0, PREVIEW_LINES).map((line) => `      | ${line}`);
  if (lines.length > PREVIEW_LINES) shown.push(`      | … ${lines.length - PREVIEW_LINES} more line(s)`);
  return shown;
}

/** `plan`: what `up` would apply, without applying it. */
export const planCommand: Command = {
  summary: "dry run of up: pending migrations with checksums and an SQL preview",
  help: `Usage: npm run db:migrate -- plan [--to <version>] [--allow-out-of-order] [--json] [--dir <path>]

Shows what 'up' would apply, in order, with each file's sha256, whether it runs in a transaction and the start
of its SQL, and whether 'up' would refuse (drift, out-of-order files, transaction control in a file). Changes
nothing. Exit 1 when 'up' would refuse.

  --to <version>          stop after this version (yyyymmddhhmmss)
  --allow-out-of-order    accept pending files older than the newest applied one
  --json                  print JSON: { target, pending: [{ version, name, file, checksum, transactional, sql }], refusals }
  --dir <path>            migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["allow-out-of-order", "json", "help"], options: { ...DIR_OPTION, to: VERSION } }, "plan");
    if (args.switches.has("help")) {
      context.output.out(planCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`plan: unexpected argument '${args.positional[0]}'`);
    const { target, state } = await inspect(context, migrationsDir(args.options, context), "plan", args.options["to"]);
    const pending = pendingThrough(state, args.options["to"]);
    const refusals = [...upRefusals(state, args.switches.has("allow-out-of-order")), ...preflight(pending, "up")];
    if (args.switches.has("json")) {
      const entries = pending.map((m) => ({ version: m.version, name: m.name, file: m.file, checksum: m.checksum, transactional: m.transactional, sql: m.up.sql.trim() }));
      context.output.out(JSON.stringify({ target: target.description, pending: entries, refusals }, null, 2));
    } else {
      const lines = [`plan for up against ${target.description}: ${pending.length === 0 ? "nothing to apply" : `${pending.length} migration(s) to apply`}`];
      for (const m of pending) {
        lines.push(`  ${m.version}_${m.name}  sha256 ${m.checksum}  ${m.transactional ? "in a transaction" : "NO TRANSACTION"}  ${m.up.statements.length} statement(s)`);
        lines.push(...preview(m));
      }
      if (refusals.length > 0) lines.push("up would refuse:", ...refusals.map((r) => `  ${r}`));
      context.output.out(lines.join("\n"));
    }
    return refusals.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
