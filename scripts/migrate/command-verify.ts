import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { DIR_OPTION, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { inspect } from "./inspect.js";
import { describeDrift } from "./plan.js";

/** `verify`: every applied migration still matches its file. */
export const verifyCommand: Command = {
  summary: "check that every applied migration's file is unchanged (drift)",
  help: `Usage: npm run db:migrate -- verify [--json] [--dir <path>]

Compares the sha256 of each applied migration recorded in the ledger with its file. Exit 1 when a file
changed after it was applied or is missing; pending migrations are not drift. Read-only.

  --json          print JSON: { target, ok, checked, drift }
  --dir <path>    migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["json", "help"], options: DIR_OPTION }, "verify");
    if (args.switches.has("help")) {
      context.output.out(verifyCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`verify: unexpected argument '${args.positional[0]}'`);
    const { target, state } = await inspect(context, migrationsDir(args.options, context), "verify");
    const ok = state.drift.length === 0;
    if (args.switches.has("json")) {
      context.output.out(JSON.stringify({ target: target.description, ok, checked: state.applied.length, drift: state.drift }, null, 2));
    } else if (ok) {
      context.output.out(`verify: ${state.applied.length} applied migration(s) match their files (${target.description})`);
    } else {
      context.output.err(`verify: drift in ${state.drift.length} applied migration(s) (${target.description}):\n${state.drift.map((d) => `  ${describeDrift(d)}`).join("\n")}`);
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
};
