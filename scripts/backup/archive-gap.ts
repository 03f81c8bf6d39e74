import { lsnSegmentNumber, parseSegmentName, segmentName, WalNameError, type TimelineSwitch } from "./wal-segment.js";

/** A timeline recovery follows, with the last segment number it holds WAL for before its child branched off (none for the newest). */
export interface FollowedTimeline {
  readonly timeline: number;
  readonly lastNumber?: number;
}

/** The first stretch of WAL missing from the archive. */
export interface ArchiveGap {
  readonly firstMissing: string;
  readonly lastMissing: string;
  /** The segment just before the gap, the last one recovery can finish; absent when the backup's first segment is missing. */
  readonly lastPresent?: string;
}

/** What the archive holds from a backup's first segment on: the newest segment recovery would reach for, and the first gap. */
export interface ArchiveSpan {
  readonly newest?: string;
  readonly gap?: ArchiveGap;
}

/** The timelines recovery to `target` follows: the ancestors from its history file, each up to the segment of its switch point, then `target`. */
export function followedTimelines(target: number, history: readonly TimelineSwitch[], segmentBytes: number): FollowedTimeline[] {
  return [...history.map((s) => ({ timeline: s.parent, lastNumber: lsnSegmentNumber(s.switchLsn, segmentBytes) })), { timeline: target }];
}

/**
 * Finds the first segment missing between `start` (a backup's first WAL segment) and the newest archived segment on the
 * followed timelines (oldest first). A segment number counts as present when a followed timeline holds it within its
 * range (from its parent's switch segment to its own); a missing one is named on the timeline PostgreSQL would read it
 * from. Names other than segments are ignored.
 */
export function findArchiveGap(names: readonly string[], start: string, timelines: readonly FollowedTimeline[], segmentBytes: number): ArchiveSpan {
  const first = parseSegmentName(start, segmentBytes);
  if (!first) throw new WalNameError(`'${start}' is not a WAL segment name`);
  const ranges = new Map(timelines.map((t, i) => [t.timeline, { from: timelines[i - 1]?.lastNumber ?? 0, to: t.lastNumber ?? Infinity }]));
  const present = new Map<number, { name: string; timeline: number }>();
  let newest = -1;
  for (const name of names) {
    const segment = parseSegmentName(name, segmentBytes);
    const range = segment && ranges.get(segment.timeline);
    if (!segment || !range || segment.number < range.from || segment.number > range.to) continue;
    const known = present.get(segment.number);
    if (!known || segment.timeline > known.timeline) present.set(segment.number, { name, timeline: segment.timeline });
    newest = Math.max(newest, segment.number);
  }
  const expected = (number: number): string =>
    segmentName({ timeline: timelines.find((t) => t.lastNumber === undefined || number < t.lastNumber)?.timeline ?? first.timeline, number }, segmentBytes);
  const span = newest >= 0 ? { newest: present.get(newest)!.name } : {};
  const end = Math.max(newest, first.number);
  for (let number = first.number; number <= end; number++) {
    if (present.has(number)) continue;
    let last = number;
    while (last < end && !present.has(last + 1)) last++;
    return { ...span, gap: { firstMissing: expected(number), lastMissing: expected(last), ...(number > first.number && { lastPresent: present.get(number - 1)!.name }) } };
  }
  return span;
}
