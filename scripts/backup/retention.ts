/** One backup in the destination, as retention sees it. */
export interface RetainedBackup {
  readonly id: string;
  readonly createdAtMs: number;
  /** Its manifest exists (it was completely written). */
  readonly complete: boolean;
  /** Its manifest says every check passed. */
  readonly verified: boolean;
}

/** How long backups are kept. */
export interface RetentionPolicy {
  /** Complete backups younger than this are kept. */
  readonly keepDays: number;
  /** The newest this many complete backups are kept whatever their age. */
  readonly keepMin: number;
}

/** Incomplete backups (a run died before its manifest) are removed once this old; younger ones may still be running. */
export const INCOMPLETE_GRACE_MS = 24 * 3600 * 1000;

/**
 * Ids to delete: complete backups older than keepDays beyond the newest keepMin, and incomplete ones older than a day.
 * The newest verified backup, and anything newer than it, is never selected.
 */
export function selectExpired(backups: readonly RetainedBackup[], nowMs: number, policy: RetentionPolicy): string[] {
  const verified = backups.filter((b) => b.complete && b.verified);
  const newestVerified = verified.reduce<number>((max, b) => Math.max(max, b.createdAtMs), Number.NEGATIVE_INFINITY);
  const keepNewest = new Set(
    backups
      .filter((b) => b.complete)
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .slice(0, policy.keepMin)
      .map((b) => b.id),
  );
  const cutoff = nowMs - policy.keepDays * 24 * 3600 * 1000;
  return backups
    .filter((b) => b.createdAtMs < newestVerified)
    .filter((b) => (b.complete ? !keepNewest.has(b.id) && b.createdAtMs < cutoff : b.createdAtMs < nowMs - INCOMPLETE_GRACE_MS))
    .map((b) => b.id);
}
