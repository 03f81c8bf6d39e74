import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ArchiveContinuity } from "../../scripts/backup/archive-continuity.js";
import { findArchiveGap, followedTimelines } from "../../scripts/backup/archive-gap.js";
import { ArchiveGapError, checkArchiveGap } from "../../scripts/backup/archive-gap-check.js";
import { parseStanzaInfo } from "../../scripts/backup/pgbackrest-info.js";
import { inferSegmentBytes, lsnSegmentNumber, parseSegmentName, parseTimelineHistory, segmentName } from "../../scripts/backup/wal-segment.js";

const MIB = 2 ** 20;
const SIXTEEN = 16 * MIB;
const on = (timeline: number, ...numbers: number[]): string[] => numbers.map((number) => segmentName({ timeline, number }, SIXTEEN));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("WAL segment names", () => {
  it("numbers segments across log files as PostgreSQL names them, for the segment size in use", () => {
    expect(parseSegmentName("0000000100000000000000FF", SIXTEEN)).toEqual({ timeline: 1, number: 255 });
    expect(parseSegmentName("000000010000000100000000", SIXTEEN)).toEqual({ timeline: 1, number: 256 });
    expect(parseSegmentName("000000020000000100000003", 1024 * MIB)).toEqual({ timeline: 2, number: 7 });
    expect(segmentName({ timeline: 3, number: 257 }, SIXTEEN)).toBe("000000030000000100000001");
    expect(parseSegmentName("00000002.history", SIXTEEN)).toBeUndefined();
    expect(() => parseSegmentName("000000010000000000000004", 1024 * MIB)).toThrow(/cannot exist with 1073741824-byte segments/);
    expect(lsnSegmentNumber("0/3000050", SIXTEEN)).toBe(3);
    expect(lsnSegmentNumber("1/FF000000", SIXTEEN)).toBe(511);
  });

  it("works out the segment size from the backups' LSNs and segments instead of assuming it", () => {
    expect(inferSegmentBytes([{ lsn: "0/2000028", segment: "000000010000000000000002" }, { lsn: "0/3000050", segment: "000000010000000000000003" }], [])).toBe(SIXTEEN);
    expect(inferSegmentBytes([{ lsn: "0/C000028", segment: "000000010000000000000003" }], [])).toBe(64 * MIB);
    expect(inferSegmentBytes([{ lsn: "1/00000028", segment: "000000010000000100000000" }], [])).toBe(SIXTEEN);
    expect(inferSegmentBytes([{ lsn: "0/1800028", segment: "000000010000000000000003" }], [])).toBe(8 * MIB);
    expect(() => inferSegmentBytes([{ lsn: "1/00000028", segment: "000000010000000100000000" }], ["0000000100000001000001FF"])).toThrow(/1048576, 2097152, 4194304, 8388608 bytes all fit/);
    expect(() => inferSegmentBytes([{ lsn: "0/2000028", segment: "000000010000000000000007" }], [])).toThrow(/no size from 1 MiB to 1 GiB fits/);
  });

  it("reads timeline history files, oldest ancestor first", () => {
    expect(parseTimelineHistory("1\t0/5000000\tno recovery target specified\n\n2\t0/9000A28\tbefore 2026-01-01 12:00:00+00\n")).toEqual([
      { parent: 1, switchLsn: "0/5000000" },
      { parent: 2, switchLsn: "0/9000A28" },
    ]);
    expect(() => parseTimelineHistory("one\t0/5000000\n")).toThrow(/is not '<parent timeline> <switch LSN> <reason>'/);
  });
});

describe("finding the first gap in the WAL archive", () => {
  const timeline1 = [{ timeline: 1 }];

  it("finds none when every segment from the backup's start to the newest is there, across a log-file boundary", () => {
    expect(findArchiveGap([...on(1, ...range(250, 260)), "00000001000000000000000A.partial"], on(1, 252)[0]!, timeline1, SIXTEEN)).toEqual({ newest: on(1, 260)[0] });
  });

  it("names the first missing segment, the last one before it, and how far the gap goes", () => {
    expect(findArchiveGap(on(1, 2, 3, 4, 7, 9), on(1, 2)[0]!, timeline1, SIXTEEN)).toEqual({
      newest: "000000010000000000000009",
      gap: { firstMissing: "000000010000000000000005", lastMissing: "000000010000000000000006", lastPresent: "000000010000000000000004" },
    });
  });

  it("ignores segments before the backup's start, and reports a missing start without a segment before it", () => {
    expect(findArchiveGap(on(1, 1, 4, 5), on(1, 2)[0]!, timeline1, SIXTEEN).gap).toEqual({ firstMissing: "000000010000000000000002", lastMissing: "000000010000000000000003" });
    expect(findArchiveGap(on(1, 1, 2), on(1, 4)[0]!, timeline1, SIXTEEN)).toEqual({ newest: "000000010000000000000002", gap: { firstMissing: "000000010000000000000004", lastMissing: "000000010000000000000004" } });
  });

  it("follows the timelines as recovery does: a parent counts up to its switch segment, the child from there on", () => {
    const followed = followedTimelines(2, parseTimelineHistory("1\t0/5000100\tno recovery target specified\n"), SIXTEEN);
    expect(followed).toEqual([{ timeline: 1, lastNumber: 5 }, { timeline: 2 }]);
    const abandoned = on(1, 6, 7, 8, 9);
    expect(findArchiveGap([...on(1, 2, 3, 4, 5), ...abandoned, ...on(2, 5, 6, 7)], on(1, 2)[0]!, followed, SIXTEEN)).toEqual({ newest: "000000020000000000000007" });
    expect(findArchiveGap([...on(1, 2, 3, 4, 5), ...abandoned, ...on(2, 5, 7)], on(1, 2)[0]!, followed, SIXTEEN).gap).toEqual({
      firstMissing: "000000020000000000000006",
      lastMissing: "000000020000000000000006",
      lastPresent: "000000020000000000000005",
    });
    expect(findArchiveGap([...on(1, 2, 3, 5), ...on(2, 4, 6)], on(1, 2)[0]!, followed, SIXTEEN).gap).toEqual({ firstMissing: "000000010000000000000004", lastMissing: "000000010000000000000004", lastPresent: "000000010000000000000003" });
  });

  it("always reports the smallest missing number between the start and the newest segment", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 300 }), (numbers, startAt) => {
        const present = new Set(numbers);
        const newest = Math.max(...numbers);
        const missing = range(startAt, Math.max(newest, startAt)).find((n) => !present.has(n));
        const span = findArchiveGap(on(1, ...numbers), on(1, startAt)[0]!, timeline1, SIXTEEN);
        expect(span.newest).toBe(on(1, newest)[0]);
        expect(span.gap?.firstMissing).toBe(missing === undefined ? undefined : on(1, missing)[0]);
      }),
    );
  });
});

describe("refusing a restore the gap would break", () => {
  const continuity: ArchiveContinuity = {
    backup: "20261123-120000F",
    archiveId: "15-1",
    segmentBytes: SIXTEEN,
    timeline: 1,
    start: "000000010000000000000002",
    stop: "000000010000000000000003",
    newest: { name: "000000010000000000000009" },
    gap: { firstMissing: "000000010000000000000006", lastMissing: "000000010000000000000006", lastPresent: { name: "000000010000000000000005", archivedAt: "2026-11-23T12:05:00Z" } },
  };
  const time = { kind: "time", time: { given: "2026-11-23T12:04:00Z", postgres: "2026-11-23 12:04:00.000000+00", epochMs: 0 } } as const;

  it("refuses --latest naming the missing segment, the last recoverable one and time, and the two ways out", () => {
    const notes: string[] = [];
    expect(() => checkArchiveGap(continuity, { kind: "latest" }, false, (l) => notes.push(l))).toThrow(ArchiveGapError);
    expect(() => checkArchiveGap(continuity, { kind: "latest" }, false, (l) => notes.push(l))).toThrow(
      /^--latest: WAL segment 000000010000000000000006 is missing from archive 15-1: WAL is complete from backup 20261123-120000F \(000000010000000000000002\) to 000000010000000000000005, archived at 2026-11-23T12:05:00Z; the archive goes on to 000000010000000000000009\. .*silently losing[\s\S]*--to-time <RFC 3339 time before 2026-11-23T12:05:00Z>[\s\S]*--latest --accept-wal-gap/,
    );
    expect(notes).toEqual([]);
  });

  it("goes ahead with a warning for --latest --accept-wal-gap and for a time that may lie before the gap; a restore point is the caller's", () => {
    const notes: string[] = [];
    checkArchiveGap(continuity, { kind: "latest" }, true, (l) => notes.push(l));
    checkArchiveGap(continuity, time, false, (l) => notes.push(l));
    checkArchiveGap(continuity, { kind: "name", name: "drill" }, false, (l) => notes.push(l));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/WARNING: WAL segment 000000010000000000000006 is missing.*every transaction after it is lost/);
    expect(notes[1]).toMatch(/only a time before the gap can be reached \(up to about 2026-11-23T12:05:00Z\): past it, recovery fails with 'recovery ended before/);
  });

  it("refuses every target when the backup's own WAL is missing, and says nothing when there is no gap", () => {
    const broken = { ...continuity, gap: { firstMissing: "000000010000000000000003", lastMissing: "000000010000000000000003", lastPresent: { name: "000000010000000000000002" } } };
    expect(() => checkArchiveGap(broken, time, false, () => undefined)).toThrow(/Backup 20261123-120000F needs WAL up to 000000010000000000000003 to be consistent: restore an older backup with --set/);
    expect(() => checkArchiveGap(broken, { kind: "latest" }, true, () => undefined)).toThrow(ArchiveGapError);
    const { gap: _gap, ...whole } = continuity;
    const notes: string[] = [];
    checkArchiveGap(whole, { kind: "latest" }, false, (l) => notes.push(l));
    expect(notes).toEqual([]);
  });
});

describe("pgbackrest info: the WAL a backup needs", () => {
  it("reads each backup's archive id, first and last segment and LSNs", () => {
    const text = JSON.stringify([
      {
        name: "main",
        status: { code: 0, message: "ok" },
        archive: [{ database: { id: 1, "repo-key": 1 }, id: "15-1", max: "000000010000000000000009", min: "000000010000000000000001" }],
        backup: [
          {
            label: "20261123-120000F",
            type: "full",
            archive: { start: "000000010000000000000002", stop: "000000010000000000000003" },
            database: { id: 1, "repo-key": 1 },
            lsn: { start: "0/2000028", stop: "0/3000050" },
            timestamp: { start: 10, stop: 20 },
            info: { size: 1000, repository: { delta: 100 } },
          },
        ],
      },
    ]);
    expect(parseStanzaInfo(text, "main").backups[0]!.wal).toEqual({ archiveId: "15-1", start: "000000010000000000000002", stop: "000000010000000000000003", startLsn: "0/2000028", stopLsn: "0/3000050" });
  });
});
