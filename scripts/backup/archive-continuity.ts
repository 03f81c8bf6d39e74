import { findArchiveGap, followedTimelines, type FollowedTimeline } from "./archive-gap.js";
import { pgbackrestArgs } from "./pgbackrest-args.js";
import type { PgbackrestBackup } from "./pgbackrest-info.js";
import type { Pgbackrest } from "./pgbackrest.js";
import { captureProcess } from "./run-process.js";
import { inferSegmentBytes, parseSegmentName, parseTimelineHistory } from "./wal-segment.js";

/** A segment in the repository, and when it got there (ISO 8601 UTC) if the storage says. */
export interface ArchivedSegment {
  readonly name: string;
  readonly archivedAt?: string;
}

/** The WAL archive from a backup's first segment on: the newest segment recovery would reach for, and the first gap. */
export interface ArchiveContinuity {
  readonly backup: string;
  readonly archiveId: string;
  readonly segmentBytes: number;
  /** The newest timeline recovery follows (recovery_target_timeline=latest). */
  readonly timeline: number;
  /** The backup's first segment. */
  readonly start: string;
  /** The backup's last segment: it is consistent once recovery has replayed WAL up to here. */
  readonly stop: string;
  readonly newest?: ArchivedSegment;
  readonly gap?: { readonly firstMissing: string; readonly lastMissing: string; readonly lastPresent?: ArchivedSegment };
}

/** pgBackRest's names for archived segments: `<segment>-<sha1>[.<compression>]`; `.partial` and `.backup` files differ. */
const STORED_SEGMENT = /(?:^|\/)([0-9A-F]{24})-[0-9a-f]{40}(?:\.[a-z0-9]+)?$/;
const HISTORY = /^([0-9A-F]{8})\.history$/;

type Listing = Record<string, { readonly type?: string; readonly time?: number }>;

/**
 * Lists the backup's archive with `pgbackrest repo-ls` (any repository type), follows the timelines as recovery would
 * (history files read with `pgbackrest repo-get`), and finds the first segment missing after the backup's start.
 */
export async function checkArchiveContinuity(pgbackrest: Pgbackrest, backup: PgbackrestBackup, backups: readonly PgbackrestBackup[]): Promise<ArchiveContinuity> {
  if (!backup.wal) throw new Error(`pgbackrest info records no WAL range for backup ${backup.label}; cannot check the archive after it`);
  const { archiveId, start, stop } = backup.wal;
  const path = `archive/${pgbackrest.target.stanza}/${archiveId}`;
  const listing = JSON.parse(await captureProcess(pgbackrest.binary, [...pgbackrestArgs(pgbackrest.target, "repo-ls", ["--output=json", "--recurse", "--log-level-console=warn"]), path], pgbackrest.env, 256 * 1024 * 1024)) as Listing;
  const stored = new Map<string, number | undefined>();
  const histories = new Set<number>();
  for (const [entry, info] of Object.entries(listing)) {
    if (info.type !== "file") continue;
    const segment = STORED_SEGMENT.exec(entry)?.[1];
    if (segment) stored.set(segment, info.time);
    const history = HISTORY.exec(entry)?.[1];
    if (history) histories.add(parseInt(history, 16));
  }
  const names = [...stored.keys()];
  const points = backups.flatMap((b) => (b.wal?.archiveId === archiveId ? [{ lsn: b.wal.startLsn, segment: b.wal.start }, { lsn: b.wal.stopLsn, segment: b.wal.stop }] : []));
  const segmentBytes = inferSegmentBytes(points, names);
  let timeline = parseSegmentName(start, segmentBytes)!.timeline;
  while (histories.has(timeline + 1)) timeline++;
  const followed: FollowedTimeline[] = histories.has(timeline)
    ? followedTimelines(timeline, parseTimelineHistory(await captureProcess(pgbackrest.binary, [...pgbackrestArgs(pgbackrest.target, "repo-get", ["--log-level-console=warn"]), `${path}/${timeline.toString(16).toUpperCase().padStart(8, "0")}.history`], pgbackrest.env)), segmentBytes)
    : [{ timeline }];
  const span = findArchiveGap(names, start, followed, segmentBytes);
  const archived = (name: string): ArchivedSegment => {
    const time = stored.get(name);
    return { name, ...(time !== undefined && { archivedAt: new Date(time * 1000).toISOString().replace(".000Z", "Z") }) };
  };
  return {
    backup: backup.label,
    archiveId,
    segmentBytes,
    timeline,
    start,
    stop,
    ...(span.newest !== undefined && { newest: archived(span.newest) }),
    ...(span.gap && { gap: { firstMissing: span.gap.firstMissing, lastMissing: span.gap.lastMissing, ...(span.gap.lastPresent !== undefined && { lastPresent: archived(span.gap.lastPresent) }) } }),
  };
}
