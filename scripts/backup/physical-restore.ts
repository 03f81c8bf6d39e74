import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkArchiveContinuity, type ArchiveContinuity } from "./archive-continuity.js";
import { checkArchiveGap } from "./archive-gap-check.js";
import { requireFreeSpace, freeBytes } from "./disk-space.js";
import { restoreArgs, type RestoreTarget, type TargetTime } from "./pgbackrest-args.js";
import type { PgbackrestBackup } from "./pgbackrest-info.js";
import { parseFileProgress, stripLogPrefix } from "./pgbackrest-progress.js";
import { pgbackrestFailure, runPgbackrest, stanzaInfo, type Pgbackrest } from "./pgbackrest.js";
import { progressReporter } from "./progress.js";

/** Where a physical restore goes and to which point. */
export interface PhysicalRestoreRequest {
  readonly pgbackrest: Pgbackrest;
  readonly dataDir: string;
  /** `latest`, a time, or a named restore point (with `set`). */
  readonly target: { readonly kind: "latest" } | { readonly kind: "time"; readonly time: TargetTime } | { readonly kind: "name"; readonly name: string };
  readonly set?: string;
  readonly delta: boolean;
  readonly force: boolean;
  readonly archiveOff: boolean;
  /** With `latest`: recover up to a gap in the WAL archive instead of refusing. */
  readonly acceptWalGap: boolean;
  readonly note: (line: string) => void;
}

/** What a restore will do, worked out before anything changes. */
export interface PhysicalRestorePlan {
  readonly backup: PgbackrestBackup;
  readonly dataDir: string;
  readonly dataDirEntries: number;
  readonly neededBytes: number;
  readonly freeBytes: number;
  /** The WAL archive after the backup, as recovery would follow it. */
  readonly wal: ArchiveContinuity;
  readonly args: readonly string[];
}

function directoryBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** The backup a restore starts from: the given set, else the newest that ended before the target time, else the newest. */
export function chooseBackup(backups: readonly PgbackrestBackup[], target: PhysicalRestoreRequest["target"], set?: string): PgbackrestBackup {
  const usable = backups.filter((b) => !b.error);
  if (set) {
    const found = usable.find((b) => b.label === set);
    if (!found) throw new Error(`--set: no backup labelled '${set}'; backups: ${usable.map((b) => b.label).join(", ") || "none"}`);
    return found;
  }
  if (usable.length === 0) throw new Error("the repository holds no usable backup; take one with 'npm run backup -- postgres'");
  if (target.kind !== "time") return usable.at(-1)!;
  const before = usable.filter((b) => b.stopTime * 1000 < target.time.epochMs);
  if (before.length === 0) {
    throw new Error(`--to-time ${target.time.given}: no backup finished before that time; the oldest finished at ${new Date(usable[0]!.stopTime * 1000).toISOString()}`);
  }
  return before.at(-1)!;
}

/**
 * Checks the backup, the WAL archive after it (no gap the target needs), the target directory and the free space; throws
 * naming the problem and the flag that changes it.
 */
export async function planPhysicalRestore(request: PhysicalRestoreRequest): Promise<PhysicalRestorePlan> {
  const info = await stanzaInfo(request.pgbackrest);
  const backup = chooseBackup(info.backups, request.target, request.set);
  const wal = await checkArchiveContinuity(request.pgbackrest, backup, info.backups);
  checkArchiveGap(wal, request.target, request.acceptWalGap, request.note);
  const exists = existsSync(request.dataDir);
  const entries = exists ? readdirSync(request.dataDir) : [];
  if (entries.includes("postmaster.pid")) throw new Error(`${request.dataDir} holds postmaster.pid: PostgreSQL may be running there; stop it before restoring`);
  if (entries.length > 0 && !request.delta && !request.force) {
    throw new Error(`${request.dataDir} is not empty (${entries.length} entries); restore into an empty directory, or pass --delta to keep the files that match the backup and remove the rest (--force when it does not hold a cluster)`);
  }
  const reusable = entries.length > 0 ? directoryBytes(request.dataDir) : 0;
  const neededBytes = Math.max(0, backup.databaseBytes - reusable);
  const free = freeBytes(request.dataDir);
  requireFreeSpace(request.dataDir, neededBytes, `restoring backup ${backup.label}`, free);
  const target: RestoreTarget = request.target.kind === "time" ? { kind: "time", time: request.target.time.postgres } : request.target;
  const args = restoreArgs(request.pgbackrest.target, {
    dataDir: request.dataDir,
    target,
    set: backup.label,
    delta: request.delta,
    force: request.force,
    archiveOff: request.archiveOff,
  });
  return { backup, dataDir: request.dataDir, dataDirEntries: entries.length, neededBytes, freeBytes: free, wal, args };
}

/** Restores the planned backup with progress lines; the cluster then replays WAL to the target when it starts, and promotes. */
export async function restorePhysical(request: PhysicalRestoreRequest, plan: PhysicalRestorePlan): Promise<void> {
  if (!existsSync(plan.dataDir)) mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 });
  const progress = progressReporter(`postgres: restoring ${plan.backup.label}`, request.note);
  let copied = 0;
  const result = await runPgbackrest(request.pgbackrest, plan.args, (line) => {
    const file = parseFileProgress(line);
    if (file) {
      copied += file.bytes;
      progress.update(copied, plan.backup.databaseBytes);
    } else if (/ (ERROR|WARN): /.test(line)) request.note(`postgres: ${stripLogPrefix(line)}`);
  });
  if (result.code !== 0) throw pgbackrestFailure("restore", result);
  progress.finish();
}
