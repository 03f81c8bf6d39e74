import { flagOrEnv, NAME, parseArgs, PATH, type ParsedArgs } from "../lib/args.js";
import { UsageError } from "../lib/cli-args.js";
import { EXIT } from "../lib/exit-codes.js";
import type { Env } from "../lib/secrets.js";
import { exitCodeFor, messageOf, watchSignals } from "./cli-common.js";
import { DESTINATION_FORMS } from "./destination.js";
import { lockJob } from "./job-lock.js";
import type { CliOutput } from "./output.js";
import { parseTargetTime } from "./pgbackrest-args.js";
import { DEFAULT_PGBACKREST_CONFIG, pgbackrestFromEnv } from "./pgbackrest.js";
import { planPhysicalRestore, restorePhysical, type PhysicalRestoreRequest } from "./physical-restore.js";
import type { PreparedRestore } from "./prepared-restore.js";
import { formatBytes } from "./progress.js";
import { RESTORE_FLAGS } from "./restore-flags.js";

export const RESTORE_USAGE = `usage: npm run restore -- postgres (--to-time <RFC 3339 time> | --latest) [flags]
       npm run restore -- logical <id|latest> [flags]
       npm run restore -- redis <id|latest> --data-dir PATH [flags]
       npm run restore -- pgsodium-key <id|latest> --out PATH [flags]

postgres: restores a pgBackRest backup into a data directory; when PostgreSQL starts there it replays archived WAL to the
target and promotes (--target-action=promote). Stop PostgreSQL first.
  --to-time TIME            recover to this moment: RFC 3339 with an offset (2026-01-01T12:00:00Z, 2026-01-01T14:00:00+02:00)
  --latest                  recover to the end of the archived WAL; refused when a WAL segment after the backup is missing from
                            the archive (recovery would stop there and lose every transaction after it silently)
  --accept-wal-gap          with --latest: recover up to the first missing WAL segment on purpose, losing what follows it
  --pg-data PATH            the data directory to restore into (env PGDATA); must be empty unless --delta or --force
  --set LABEL               start from this backup (default: the newest that ended before the target)
  --delta                   restore into an existing cluster directory, keeping files that match the backup
  --force                   like --delta, even when the directory does not hold a cluster
  --no-archive              start with archive_mode=off: for side-by-side restores that must never push WAL to the repository
  --stanza NAME             pgBackRest stanza (env PGBACKREST_STANZA, default main)
  --pgbackrest-config PATH  pgbackrest.conf (env PGBACKREST_CONFIG, default ${DEFAULT_PGBACKREST_CONFIG})
logical: restores roles (with passwords) and one database from a logical backup, then compares every table's row count.
  --from DEST               ${DESTINATION_FORMS} (env BACKUP_DEST)
  --target-db NAME          database to restore into (default: the backed-up database's name); must not hold objects
  --force                   drop and recreate the target database when it holds objects
  --jobs N                  parallel pg_restore jobs (env BACKUP_JOBS, default 2)
  --work-dir PATH           scratch space for the download (env BACKUP_WORK_DIR, default the temp dir)
pgsodium-key: writes the pgsodium root key a logical backup holds (mode 0600, the directory's owner), without which Vault
secrets cannot be decrypted. A different key already at --out is refused unless --force (then moved aside, not deleted).
  --from DEST               as for logical
  --out PATH                where the key goes: the pgsodium volume as mounted here (/etc/postgresql-custom/pgsodium_root.key)
  --force                   replace a different key
redis: puts an RDB backup into a stopped Redis's data directory, as dump.rdb and as the AOF (AOF wins at startup).
  --from DEST               as for logical
  --data-dir PATH           Redis's dir (env REDIS_DATA_DIR)
  --dbfilename NAME         default dump.rdb;  --appenddirname NAME  default appendonlydir;  --appendfilename NAME  default appendonly.aof
common:
  --dry-run                 check the settings and the target, print what would happen; change nothing
  --json                    print the result as one JSON document on stdout
  --help                    show this help
Environment: as for 'npm run backup -- --help' (DATABASE_URL, REDIS_URL (refused while it answers), PGBACKREST_REPO1_CIPHER_PASS,
BACKUP_ENCRYPTION_KEY, S3 settings), each secret also as *_FILE.
Exit codes: 0 restored and checked, 1 failed, 2 bad command line or settings (nothing changed), 3 another restore is running.`;



const ONLY: Record<string, readonly string[]> = {
  postgres: ["to-time", "latest", "accept-wal-gap", "pg-data", "set", "delta", "force", "no-archive", "stanza", "pgbackrest-config"],
  logical: ["from", "target-db", "force", "jobs", "work-dir"],
  redis: ["from", "data-dir", "dbfilename", "appenddirname", "appendfilename"],
  "pgsodium-key": ["from", "out", "force", "work-dir"],
};

function rejectForeignFlags(kind: string, args: ParsedArgs): void {
  const given = [...args.switches, ...Object.keys(args.options)];
  for (const [owner, flags] of Object.entries(ONLY)) {
    if (owner === kind) continue;
    const foreign = given.find((f) => flags.includes(f) && !ONLY[kind]!.includes(f));
    if (foreign) throw new UsageError(`restore ${kind}: --${foreign} applies to 'restore ${owner}' only`);
  }
}


function preparePostgres(args: ParsedArgs, env: Env, note: (line: string) => void): PreparedRestore {
  const time = args.options["to-time"];
  const latest = args.switches.has("latest");
  if ((time === undefined) === !latest) throw new UsageError("restore postgres: pass exactly one of --to-time <RFC 3339 time> and --latest");
  const acceptWalGap = args.switches.has("accept-wal-gap");
  if (acceptWalGap && !latest) throw new UsageError("restore postgres: --accept-wal-gap applies to --latest only; recovery to a --to-time past a gap cannot succeed");
  const dataDir = flagOrEnv(args, "pg-data", PATH, env, "PGDATA", "restore");
  if (!dataDir) throw new UsageError("restore postgres: no data directory; pass --pg-data or set PGDATA");
  const configPath = flagOrEnv(args, "pgbackrest-config", PATH, env, "PGBACKREST_CONFIG", "restore") ?? DEFAULT_PGBACKREST_CONFIG;
  const stanza = flagOrEnv(args, "stanza", NAME, env, "PGBACKREST_STANZA", "restore") ?? "main";
  const request: PhysicalRestoreRequest = {
    pgbackrest: pgbackrestFromEnv(env, { configPath, stanza }),
    dataDir,
    target: time !== undefined ? { kind: "time", time: parseTargetTime(time) } : { kind: "latest" },
    ...(args.options["set"] !== undefined && { set: args.options["set"] }),
    delta: args.switches.has("delta"),
    force: args.switches.has("force"),
    archiveOff: args.switches.has("no-archive"),
    acceptWalGap,
    note,
  };
  const describe = async () => {
    const plan = await planPhysicalRestore(request);
    return {
      backup: plan.backup.label,
      target: time !== undefined ? request.target : "latest",
      dataDir,
      dataDirEntries: plan.dataDirEntries,
      needs: formatBytes(plan.neededBytes),
      free: formatBytes(plan.freeBytes),
      wal: { archive: plan.wal.archiveId, timeline: plan.wal.timeline, from: plan.wal.start, to: plan.wal.newest?.name, ...(plan.wal.gap && { gap: plan.wal.gap }) },
      command: `pgbackrest ${plan.args.join(" ")}`,
    };
  };
  return {
    job: "restore-postgres",
    describe,
    run: async () => {
      const plan = await planPhysicalRestore(request);
      await restorePhysical(request, plan);
      return { backup: plan.backup.label, dataDir, next: `start PostgreSQL on ${dataDir}: it replays WAL from the repository ${time !== undefined ? `to ${time} ` : ""}and promotes` };
    },
  };
}

/** Runs the restore CLI and returns its exit code; never throws. */
export async function runRestoreCli(argv: readonly string[], env: Env, output: CliOutput): Promise<number> {
  let args: ParsedArgs;
  let prepared: PreparedRestore;
  try {
    args = parseArgs(argv, RESTORE_FLAGS, "restore");
    if (args.switches.has("help")) {
      output.result(RESTORE_USAGE);
      return EXIT.ok;
    }
    const [kind, id, ...extra] = args.positional;
    if (kind !== "postgres" && kind !== "logical" && kind !== "redis" && kind !== "pgsodium-key") {
      throw new UsageError(`restore: got '${kind ?? ""}'; expected one of postgres, logical, redis, pgsodium-key`);
    }
    rejectForeignFlags(kind, args);
    if (kind === "postgres") {
      if (id !== undefined) throw new UsageError(`restore postgres: unexpected argument '${id}'; choose the point with --to-time or --latest`);
      prepared = preparePostgres(args, env, output.note);
    } else {
      if (id === undefined) throw new UsageError(`restore ${kind}: name the backup: an id from the destination, or latest`);
      if (extra.length > 0) throw new UsageError(`restore ${kind}: unexpected argument '${extra[0]}'`);
      if (id !== "latest" && !/^\d{8}T\d{6}\.\d{3}Z$/.test(id)) throw new UsageError(`restore ${kind}: got backup id '${id}'; expected an id such as 20260101T120000.000Z, or latest`);
      prepared = (await import("./store-restores.js")).prepareStoreRestore(kind, id, args, env, output.note);
    }
  } catch (error) {
    output.note(`restore: ${messageOf(error)}\n(run with --help for usage)`);
    return exitCodeFor(error) === EXIT.failed ? EXIT.usage : exitCodeFor(error);
  }
  const json = args.switches.has("json");
  const print = (value: Record<string, unknown>): void =>
    output.result(json ? JSON.stringify(value, null, 2) : Object.entries(value).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join("\n"));
  let release: (() => void) | undefined;
  const signals = watchSignals((signal) => output.note(`restore: received ${signal}; stopping the running tool`));
  try {
    release = lockJob(prepared.job, env);
    if (args.switches.has("dry-run")) {
      print({ dryRun: true, ...(await prepared.describe()) });
      return EXIT.ok;
    }
    const started = Date.now();
    const result = await prepared.run();
    print({ ok: true, seconds: Number(((Date.now() - started) / 1000).toFixed(1)), ...result });
    return signals.received() ? signals.exitCode() : EXIT.ok;
  } catch (error) {
    output.note(`restore: FAILED: ${messageOf(error)}`);
    if (json) output.result(JSON.stringify({ ok: false, error: messageOf(error) }, null, 2));
    return signals.received() ? signals.exitCode() : exitCodeFor(error);
  } finally {
    release?.();
    signals.dispose();
  }
}
