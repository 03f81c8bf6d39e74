import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { DIR_OPTION, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { inspect } from "./inspect.js";
import { describeDrift } from "./plan.js";

/** `status`: every migration, applied or pending, and any drift. */
export const statusCommand: Command = {
  summary: "list applied and pending migrations and any drift",
  help: `Usage: npm run db:migrate -- status [--json] [--dir <path>]

Lists every migration: applied (when and by whom), pending, out of order, and applied ones whose file
changed or is missing. Read-only; does not take the migration lock. Exit 0 whatever the state.

  --json          print JSON: { target, applied, pending, drift, outOfOrder }
  --dir <path>    migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["json", "help"], options: DIR_OPTION }, "status");
    if (args.switches.has("help")) {
      context.output.out(statusCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`status: unexpected argument '${args.positional[0]}'`);
    const { target, state } = await inspect(context, migrationsDir(args.options, context), "status");
    if (args.switches.has("json")) {
      context.output.out(
        JSON.stringify(
          {
            target: target.description,
            applied: state.applied,
            pending: state.pending.map((m) => ({ version: m.version, name: m.name, file: m.file, checksum: m.checksum, transactional: m.transactional })),
            drift: state.drift,
            outOfOrder: state.outOfOrder.map((m) => m.version),
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    const outOfOrder = new Set(state.outOfOrder.map((m) => m.version));
    const lines = [`migrations against ${target.description}:`];
    for (const row of state.applied) {
      lines.push(`  applied      ${row.version}_${row.name}  ${row.appliedAt.toISOString()} by ${row.appliedBy} (${row.durationMs} ms)`);
    }
    for (const m of state.pending) lines.push(`  ${outOfOrder.has(m.version) ? "out-of-order" : "pending     "} ${m.version}_${m.name}`);
    for (const drift of state.drift) lines.push(`  DRIFT        ${describeDrift(drift)}`);
    lines.push(`${state.applied.length} applied, ${state.pending.length} pending, ${state.drift.length} drifted`);
    context.output.out(lines.join("\n"));
    return EXIT.ok;
  },
};
