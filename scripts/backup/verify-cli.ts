import { UsageError } from "../lib/cli-args.js";
import { flagOrEnv, integerBetween, NAME, parseArgs, PATH, type ParsedArgs } from "../lib/args.js";
import { EXIT } from "../lib/exit-codes.js";
import { exitCodeFor, messageOf, watchSignals } from "./cli-common.js";
import { runDrill, type DrillReport, type DrillRequest } from "./drill.js";
import { lockJob } from "./job-lock.js";
import { metricsTargetFromEnv, pushDrillRun, type MetricsTarget } from "./metrics.js";
import type { CliOutput } from "./output.js";
import { DEFAULT_PGBACKREST_CONFIG, pgbackrestFromEnv } from "./pgbackrest.js";
import { describeMismatches } from "./row-counts.js";
import type { Env } from "../lib/secrets.js";

export const VERIFY_USAGE = `usage: npm run backup:verify [-- flags]

Restore drill: pgbackrest verify, then checks that every WAL segment from the newest physical backup that carries a
recorded restore point to the newest archived one is in the repository (fails naming the first missing one), restores
that backup into a scratch directory (archive_mode=off, --target-action=promote), replays WAL to that point, runs
amcheck (bt_index_check with heapallindexed on every btree index of every database) and compares every table's row count
with the counts recorded at the point. Pushes supabase_restore_drill_* to the Pushgateway; the duration is the measured
RTO of the restore.
  --scratch-dir PATH        parent of the scratch data directory, with room for a full restore (env BACKUP_SCRATCH_DIR)
  --user NAME               superuser of the restored cluster (env DRILL_PGUSER, default supabase_admin)
  --timeout SECONDS         longest restore + WAL replay (default 3600)
  --keep                    keep the scratch directory for inspection
  --stanza NAME             pgBackRest stanza (env PGBACKREST_STANZA, default main)
  --pgbackrest-config PATH  pgbackrest.conf (env PGBACKREST_CONFIG, default ${DEFAULT_PGBACKREST_CONFIG})
  --json                    print the report as one JSON document on stdout
  --help                    show this help
Environment: PGBACKREST_REPO1_CIPHER_PASS[_FILE] (required), S3 repository credentials, PUSHGATEWAY_URL and BACKUP_ENV,
PG_BIN_DIR (PostgreSQL 15 server programs: pg_ctl, postgres, with the amcheck extension). Run it as a non-root user.
Exit codes: 0 every check passed, 1 a check failed or the restore failed, 2 bad command line or settings, 3 already running.`;

const FLAGS = {
  switches: ["keep", "json", "help"],
  options: { "scratch-dir": PATH, user: NAME, timeout: integerBetween(10, 86_400), stanza: NAME, "pgbackrest-config": PATH },
} as const;

function summary(report: DrillReport): string {
  const lines = [
    `drill of ${report.backup} at ${report.restorePoint}: restore ${report.restoreSeconds.toFixed(1)}s + recovery ${report.recoverySeconds.toFixed(1)}s = RTO ${report.rtoSeconds.toFixed(1)}s`,
    `  ${report.tables} tables counted, ${report.mismatches.length} mismatched; ${report.indexes} btree indexes checked, ${report.indexFailures.length} corrupt`,
  ];
  if (report.mismatches.length > 0) lines.push(`  ${describeMismatches(report.mismatches)}`);
  for (const f of report.indexFailures) lines.push(`  ${f.database} ${f.index}: ${f.error}`);
  if (report.scratchDir) lines.push(`  kept ${report.scratchDir}`);
  return lines.join("\n");
}

/** Runs the drill CLI and returns its exit code; never throws. */
export async function runVerifyCli(argv: readonly string[], env: Env, output: CliOutput): Promise<number> {
  let args: ParsedArgs;
  let request: DrillRequest;
  let metrics: MetricsTarget | undefined;
  try {
    args = parseArgs(argv, FLAGS, "backup:verify");
    if (args.switches.has("help")) {
      output.result(VERIFY_USAGE);
      return EXIT.ok;
    }
    if (args.positional.length > 0) throw new UsageError(`backup:verify: unexpected argument '${args.positional[0]}'`);
    if (process.getuid?.() === 0) throw new UsageError("backup:verify: run the drill as a non-root user (PostgreSQL refuses to run as root)");
    const configPath = flagOrEnv(args, "pgbackrest-config", PATH, env, "PGBACKREST_CONFIG", "backup:verify") ?? DEFAULT_PGBACKREST_CONFIG;
    const stanza = flagOrEnv(args, "stanza", NAME, env, "PGBACKREST_STANZA", "backup:verify") ?? "main";
    const scratchParent = flagOrEnv(args, "scratch-dir", PATH, env, "BACKUP_SCRATCH_DIR", "backup:verify");
    request = {
      pgbackrest: pgbackrestFromEnv(env, { configPath, stanza }),
      user: flagOrEnv(args, "user", NAME, env, "DRILL_PGUSER", "backup:verify") ?? "supabase_admin",
      env,
      note: output.note,
      keep: args.switches.has("keep"),
      timeoutSeconds: Number(args.options["timeout"] ?? 3600),
      ...(scratchParent !== undefined && { scratchParent }),
    };
    metrics = metricsTargetFromEnv(env);
  } catch (error) {
    output.note(`backup:verify: ${messageOf(error)}\n(run with --help for usage)`);
    return exitCodeFor(error) === EXIT.failed ? EXIT.usage : exitCodeFor(error);
  }
  let release: () => void;
  try {
    release = lockJob("restore-drill", env);
  } catch (error) {
    output.note(`backup:verify: ${messageOf(error)}`);
    return exitCodeFor(error);
  }
  const signals = watchSignals((signal) => output.note(`backup:verify: received ${signal}; stopping`));
  const started = Date.now();
  let report: DrillReport | undefined;
  let failure: string | undefined;
  try {
    report = await runDrill(request);
    if (report.mismatches.length > 0 || report.indexFailures.length > 0) failure = "the restored copy differs from the backup's record or has corrupt indexes";
  } catch (error) {
    failure = messageOf(error);
  } finally {
    release();
    signals.dispose();
  }
  const success = failure === undefined;
  const durationSeconds = report?.rtoSeconds ?? (Date.now() - started) / 1000;
  let pushError: string | undefined;
  if (metrics) {
    try {
      await pushDrillRun(metrics, { finishedAt: new Date(), durationSeconds, success });
    } catch (error) {
      pushError = `cannot push the result to ${metrics.gatewayUrl}: ${messageOf(error)}`;
      output.note(`backup:verify: ${pushError}`);
    }
  }
  if (args.switches.has("json")) output.result(JSON.stringify({ ok: success && !pushError, ...(report && { report }), ...(failure && { error: failure }), ...(pushError && { pushError }) }, null, 2));
  else output.result([report ? summary(report) : "", failure ? `backup:verify FAILED: ${failure}` : "backup:verify: ok"].filter(Boolean).join("\n"));
  if (signals.received()) return signals.exitCode();
  return success && !pushError ? EXIT.ok : EXIT.failed;
}
