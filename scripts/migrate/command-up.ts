import { UsageError } from "../lib/cli-args.js";
import { parseArgs } from "../lib/args.js";
import { VERSION } from "./args.js";
import { requireBackupCli, takeLogicalBackup } from "./backup.js";
import { targetFromEnv } from "./connection.js";
import { DIR_OPTION, LOCK_OPTION, lockTimeoutMs, migrationsDir, type Command } from "./context.js";
import { EXIT } from "../lib/exit-codes.js";
import { readLedger } from "./ledger.js";
import { loadMigrations } from "./migration-file.js";
import { assess, pendingThrough, PlanError, requireKnownVersion, upRefusals } from "./plan.js";
import { applyUp, preflight } from "./runner.js";
import { actorFromEnv, withMigrationLock } from "./session.js";

/** `up`: applies pending migrations. */
export const upCommand: Command = {
  summary: "apply pending migrations, each in its own transaction",
  help: `Usage: npm run db:migrate -- up [--to <version>] [--allow-out-of-order] [--lock-timeout <duration>] [--backup-before] [--dir <path>]

Applies pending migrations in version order, each in its own transaction together with its ledger row
(a '-- migrate:no-transaction' file runs statement by statement and is recorded only when it succeeded).
Stops at the first failure: that migration leaves no trace, earlier ones stay applied; the error names the
file, line and PostgreSQL's message. Refuses to start when an applied migration's file changed or is missing,
or when a pending file is older than the newest applied one. Every run is appended to migration_runner.audit_log.

  --to <version>             stop after this version (yyyymmddhhmmss)
  --allow-out-of-order       apply pending files older than the newest applied one
  --lock-timeout <duration>  wait at most this long for another runner (default 60s; 0 = do not wait)
  --backup-before            run 'npm run backup -- logical' first (only when something is pending)
  --dir <path>               migrations directory (default: the repository's sql/migrations)

Environment: DATABASE_URL (or _FILE) or PG* variables; MIGRATE_ACTOR names who runs it (default user@host).`,
  async run(argv, context) {
    const args = parseArgs(argv, { switches: ["allow-out-of-order", "backup-before", "help"], options: { ...DIR_OPTION, ...LOCK_OPTION, to: VERSION } }, "up");
    if (args.switches.has("help")) {
      context.output.out(upCommand.help);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`up: unexpected argument '${args.positional[0]}'`);
    const files = loadMigrations(migrationsDir(args.options, context), context.cwd);
    const to = args.options["to"];
    requireKnownVersion(files, to);
    const backup = args.switches.has("backup-before");
    if (backup) requireBackupCli();
    const target = targetFromEnv(context.env, "db-migrate up");
    const { output } = context;
    await withMigrationLock(target, "up", actorFromEnv(context.env), lockTimeoutMs(args.options), output, async (client) => {
      const state = assess(files, await readLedger(client));
      const pending = pendingThrough(state, to);
      const refusals = [...upRefusals(state, args.switches.has("allow-out-of-order")), ...preflight(pending, "up")];
      if (refusals.length > 0) throw new PlanError(`refusing to apply migrations:\n  ${refusals.join("\n  ")}`);
      if (pending.length === 0) {
        output.out(`up: nothing to apply (${state.applied.length} applied) on ${target.description}`);
        return { result: "noop", migrations: [] };
      }
      if (backup) await takeLogicalBackup(context.env);
      output.out(`up: applying ${pending.length} migration(s) to ${target.description}`);
      const steps = await applyUp(client, pending, actorFromEnv(context.env), (step) =>
        output.out(`  applied ${step.version}_${step.name} (${Math.round(step.durationMs)} ms)`),
      );
      output.out(`up: done, ${steps.length} applied`);
      return { result: "success", migrations: steps.map((s) => s.version) };
    });
    return EXIT.ok;
  },
};
