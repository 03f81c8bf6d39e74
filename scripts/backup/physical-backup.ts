import { annotationArgs, encodeAnnotations } from "./counts-annotation.js";
import type { DatabaseTarget } from "../lib/database-target.js";
import type { BackupResult, DryRun } from "./backup-result.js";
import { REPO_CIPHER } from "./pgbackrest-config.js";
import { backupArgs, pgbackrestArgs, type BackupType } from "./pgbackrest-args.js";
import { MISSING_STANZA_CODES } from "./pgbackrest-info.js";
import { parseFileProgress, stripLogPrefix } from "./pgbackrest-progress.js";
import { pgbackrestFailure, runPgbackrest, stanzaInfo, type Pgbackrest } from "./pgbackrest.js";
import { progressReporter } from "./progress.js";
import { recordRestorePoint } from "./restore-point.js";

/** One physical backup: which kind, of which cluster, and where its notes go. */
export interface PhysicalBackupRequest {
  readonly pgbackrest: Pgbackrest;
  readonly type: BackupType;
  /** The cluster's main database, for the restore point and row counts recorded after the backup. */
  readonly database: DatabaseTarget;
  readonly note: (line: string) => void;
}

/** The steps a physical backup takes, for --dry-run. */
export function planPhysicalBackup(request: PhysicalBackupRequest): DryRun {
  const { configPath, stanza } = request.pgbackrest.target;
  return {
    kind: "physical",
    dryRun: true,
    steps: [
      `pgbackrest --config=${configPath} --stanza=${stanza} stanza-create (only when the stanza does not exist yet)`,
      `pgbackrest ${backupArgs(request.pgbackrest.target, request.type).join(" ")}, with pgbackrest ${pgbackrestArgs(request.pgbackrest.target, "check").join(" ")} alongside (a failed check stops the backup)`,
      `restore point and row counts of ${request.database.description}, annotated on the new backup`,
    ],
  };
}

async function run(pgbackrest: Pgbackrest, command: string, args: readonly string[], onLine?: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const result = await runPgbackrest(pgbackrest, args, onLine, signal);
  if (result.code !== 0) throw pgbackrestFailure(command, result);
}

/**
 * Takes a pgBackRest backup: creates the stanza on first use, backs up with progress lines while `pgbackrest check`
 * proves WAL archiving works (a failed check stops the backup at once instead of after hours of copying), confirms the new
 * backup is listed without error, then records a restore point with exact row counts on it for the restore drill. Throws
 * on any failure, so a partial backup is never reported as a success.
 */
export async function backupPhysical(request: PhysicalBackupRequest): Promise<BackupResult> {
  const { pgbackrest, note } = request;
  const before = await stanzaInfo(pgbackrest);
  if (MISSING_STANZA_CODES.includes(before.statusCode)) {
    note(`postgres: creating stanza '${pgbackrest.target.stanza}'`);
    await run(pgbackrest, "stanza-create", pgbackrestArgs(pgbackrest.target, "stanza-create", ["--log-level-console=warn"]));
  }
  const info = MISSING_STANZA_CODES.includes(before.statusCode) ? await stanzaInfo(pgbackrest) : before;
  if (info.cipher !== REPO_CIPHER) throw new Error(`the pgBackRest repository of stanza '${pgbackrest.target.stanza}' uses cipher '${info.cipher}'; this project requires ${REPO_CIPHER} (set repo1-cipher-type and create a new repository)`);

  note(`postgres: ${request.type} backup started, checking WAL archiving (pgbackrest check) alongside`);
  const stopBackup = new AbortController();
  const checked = run(pgbackrest, "check", pgbackrestArgs(pgbackrest.target, "check", ["--log-level-console=warn"])).catch((error: unknown) => {
    stopBackup.abort();
    throw error;
  });
  const progress = progressReporter(`postgres: ${request.type} backup`, note);
  let copied = 0;
  const backedUp = run(
    pgbackrest,
    "backup",
    backupArgs(pgbackrest.target, request.type),
    (line) => {
      const file = parseFileProgress(line);
      if (file) {
        copied += file.bytes;
        progress.update(copied, file.percent > 0 ? (copied * 100) / file.percent : undefined);
      } else if (/ (ERROR|WARN): /.test(line)) note(`postgres: ${stripLogPrefix(line)}`);
    },
    stopBackup.signal,
  );
  const [checkRun, backupRun] = await Promise.allSettled([checked, backedUp]);
  if (checkRun.status === "rejected") throw checkRun.reason;
  if (backupRun.status === "rejected") throw backupRun.reason;
  progress.finish();

  const known = new Set(info.backups.map((b) => b.label));
  const after = await stanzaInfo(pgbackrest);
  const backup = after.backups.find((b) => !known.has(b.label));
  if (!backup) throw new Error("pgbackrest backup exited 0 but no new backup is listed by pgbackrest info");
  if (backup.error) throw new Error(`backup ${backup.label} is listed with checksum errors; see the pgBackRest log`);

  note(`postgres: recording restore point and row counts after ${backup.label}`);
  const point = await recordRestorePoint(request.database, `backup-${backup.label}`);
  await run(pgbackrest, "annotate", pgbackrestArgs(pgbackrest.target, "annotate", [`--set=${backup.label}`, "--log-level-console=warn", ...annotationArgs(encodeAnnotations(point))]));

  return {
    kind: "physical",
    id: backup.label,
    sizeBytes: backup.repositoryBytes,
    details: { type: backup.type, databaseBytes: backup.databaseBytes, restorePoint: point.name, tables: Object.keys(point.counts).length },
  };
}
