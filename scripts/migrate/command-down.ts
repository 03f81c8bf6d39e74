import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { POSITIVE_INTEGER } from "./args.js";
import { requireBackupCli, takeLogicalBackup } from "./backup.js";
import { targetFromEnv } from "./connection.js";
import { DIR_OPTION, LOCK_OPTION, lockTimeoutMs, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { inspect } from "./inspect.js";
import { readLedger } from "./ledger.js";
import { loadMigrations } from "./migration-file.js";
import { assess, PlanError, rollbackPlan } from "./plan.js";
import { applyDown, preflight } from "./runner.js";
import { actorFromEnv, withMigrationLock } from "./session.js";

/** `down`: reverts the newest applied migrations. */
export const downCommand: Command = {
  summary: "revert the newest applied migration(s) with their down parts",
  help: `Usage: npm run db:migrate -- down [--steps <n>] [--dry-run] [--lock-timeout <duration>] [--backup-before] [--dir <path>]

Reverts the <n> newest applied migrations (default 1), newest first, each in its own transaction together with
the removal of its ledger row. Refuses before changing anything when one of them has no down part, or its file
changed or is missing. Every run is appended to migration_runner.audit_log.

  --steps <n>                how many migrations to revert (default 1)
  --dry-run                  show what would be reverted, with the down SQL, and change nothing
  --lock-timeout <duration>  wait at most this long for another runner (default 60s; 0 = do not wait)
  --backup-before            run 'npm run backup -- logical' first
  --dir <path>               migrations directory (default: the repository's sql/migrations)`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["backup-before", "dry-run", "help"], options: { ...DIR_OPTION, ...LOCK_OPTION, steps: POSITIVE_INTEGER } }, "down");
    if (args.switches.has("help")) {
      context.output.out(downCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`down: unexpected argument '${args.positional[0]}'`);
    const steps = Number(args.options["steps"] ?? 1);
    if (args.switches.has("dry-run")) {
      const { target, files, state } = await inspect(context, migrationsDir(args.options, context), "down");
      if (state.applied.length === 0) {
        context.output.out(`down --dry-run against ${target.description}: nothing to revert`);
        return EXIT.ok;
      }
      const plan = rollbackPlan(state, files, steps);
      const lines = [`down --dry-run against ${target.description}: would revert ${plan.length} migration(s), newest first`];
      for (const m of plan) lines.push(`  ${m.version}_${m.name}`, ...m.down!.sql.trim().split("\n").map((line) => `      | ${line}`));
      context.output.out(lines.join("\n"));
      return EXIT.ok;
    }
    const files = loadMigrations(migrationsDir(args.options, context), context.cwd);
    const backup = args.switches.has("backup-before");
    if (backup) requireBackupCli();
    const target = targetFromEnv(context.env, "db-migrate down");
    const { output } = context;
    await withMigrationLock(target, "down", actorFromEnv(context.env), lockTimeoutMs(args.options), output, async (client) => {
      const state = assess(files, await readLedger(client));
      if (state.applied.length === 0) {
        output.out(`down: nothing to revert on ${target.description}`);
        return { result: "noop", migrations: [] };
      }
      const plan = rollbackPlan(state, files, steps);
      const problems = preflight(plan, "down");
      if (problems.length > 0) throw new PlanError(`refusing to roll back:\n  ${problems.join("\n  ")}`);
      if (backup) await takeLogicalBackup(context.env);
      output.out(`down: reverting ${plan.length} migration(s) on ${target.description}`);
      const reverted = await applyDown(client, plan, (step) => output.out(`  reverted ${step.version}_${step.name} (${Math.round(step.durationMs)} ms)`));
      output.out(`down: done, ${reverted.length} reverted`);
      return { result: "success", migrations: reverted.map((s) => s.version) };
    });
    return EXIT.ok;
  },
};
