import type { ArchiveContinuity } from "./archive-continuity.js";
import type { PhysicalRestoreRequest } from "./physical-restore.js";
import { parseSegmentName } from "./wal-segment.js";

/** Raised when the WAL archive misses a segment the restore would need; nothing has changed yet. */
export class ArchiveGapError extends Error {
  override readonly name = "ArchiveGapError";
}

/** The gap, what recovery can still reach, and where the archive goes on; undefined when there is none. */
export function describeArchiveGap(continuity: ArchiveContinuity): string | undefined {
  const { gap, newest } = continuity;
  if (!gap) return undefined;
  const missing = gap.firstMissing === gap.lastMissing ? `WAL segment ${gap.firstMissing} is` : `WAL segments ${gap.firstMissing} to ${gap.lastMissing} are`;
  const reach = gap.lastPresent
    ? `WAL is complete from backup ${continuity.backup} (${continuity.start}) to ${gap.lastPresent.name}${gap.lastPresent.archivedAt ? `, archived at ${gap.lastPresent.archivedAt}` : ""}`
    : `backup ${continuity.backup} cannot even reach consistency`;
  return `${missing} missing from archive ${continuity.archiveId}: ${reach}; the archive goes on to ${newest?.name ?? "nothing"}`;
}

const number = (name: string, continuity: ArchiveContinuity): number => parseSegmentName(name, continuity.segmentBytes)!.number;

/**
 * Refuses a restore that a gap in the archive would break, before anything changes: any target when the backup's own WAL
 * (up to its stop segment) is missing; `latest` whenever WAL is missing, unless `acceptGap`. Warns through `note` for
 * `latest` with `acceptGap` and for a time, which still recovers when it lies before the gap; a restore point is left to
 * the caller.
 */
export function checkArchiveGap(continuity: ArchiveContinuity, target: PhysicalRestoreRequest["target"], acceptGap: boolean, note: (line: string) => void): void {
  const described = describeArchiveGap(continuity);
  if (!continuity.gap || !described) return;
  const before = continuity.gap.lastPresent?.archivedAt ?? continuity.gap.lastPresent?.name;
  if (number(continuity.gap.firstMissing, continuity) <= number(continuity.stop, continuity)) {
    throw new ArchiveGapError(`${described}. Backup ${continuity.backup} needs WAL up to ${continuity.stop} to be consistent: restore an older backup with --set LABEL ('pgbackrest info' lists them), and take a new backup ('npm run backup -- postgres --type full')`);
  }
  if (target.kind === "latest" && !acceptGap) {
    throw new ArchiveGapError(
      [
        `--latest: ${described}. Recovery would stop at the gap and promote, silently losing every transaction after it.`,
        `  restore to a moment before the gap instead: --to-time <RFC 3339 time before ${before}>`,
        "  or recover everything up to the gap on purpose: --latest --accept-wal-gap",
        "  then take a new backup ('npm run backup -- postgres --type full'): restores from it do not need the missing WAL",
      ].join("\n"),
    );
  }
  if (target.kind === "latest") note(`postgres: WARNING: ${described}; --accept-wal-gap: recovery stops at the gap, and every transaction after it is lost`);
  if (target.kind === "time") note(`postgres: WARNING: ${described}; only a time before the gap can be reached (up to about ${before}): past it, recovery fails with 'recovery ended before configured recovery target was reached'`);
}
