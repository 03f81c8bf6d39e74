import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backupIdTime, newBackupId } from "../../scripts/backup/backup-id.js";
import { INCOMPLETE_GRACE_MS, selectExpired, type RetainedBackup } from "../../scripts/backup/retention.js";

const DAY = 24 * 3600 * 1000;
const now = Date.UTC(2026, 5, 30);
const backup = (daysAgo: number, complete = true, verified = complete): RetainedBackup => {
  const createdAtMs = now - daysAgo * DAY;
  return { id: newBackupId(new Date(createdAtMs)), createdAtMs, complete, verified };
};

describe("retention of logical and Redis backups", () => {
  it("expires complete backups older than keepDays beyond the newest keepMin, and stale incomplete ones", () => {
    const backups = [backup(40), backup(30), backup(20), backup(10), backup(3, false), backup(0.5, false), backup(1)];
    expect(selectExpired(backups, now, { keepDays: 14, keepMin: 2 })).toEqual([backups[0]!.id, backups[1]!.id, backups[2]!.id, backups[4]!.id]);
  });

  it("keeps everything when the newest verified backup is the only old one", () => {
    const backups = [backup(100), backup(2, false), backup(1, true, false)];
    expect(selectExpired(backups, now, { keepDays: 7, keepMin: 1 })).toEqual([]);
  });

  it("never selects the newest verified backup or anything newer, for any history and policy", () => {
    const arbitraryBackup = fc.record({ daysAgo: fc.double({ min: 0, max: 400, noNaN: true }), complete: fc.boolean(), verified: fc.boolean() });
    fc.assert(
      fc.property(fc.array(arbitraryBackup, { maxLength: 30 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), (raw, keepDays, keepMin) => {
        const backups = raw.map((b, i) => ({ ...backup(b.daysAgo, b.complete, b.complete && b.verified), id: `b${i}` }));
        const expired = new Set(selectExpired(backups, now, { keepDays, keepMin }));
        const verified = backups.filter((b) => b.complete && b.verified);
        const newest = Math.max(...verified.map((b) => b.createdAtMs));
        for (const b of backups) if (b.createdAtMs >= newest) expect(expired.has(b.id)).toBe(false);
        for (const b of backups) if (!b.complete && now - b.createdAtMs <= INCOMPLETE_GRACE_MS) expect(expired.has(b.id)).toBe(false);
        const keptComplete = backups.filter((b) => b.complete && !expired.has(b.id)).length;
        expect(keptComplete).toBeGreaterThanOrEqual(Math.min(keepMin, backups.filter((b) => b.complete).length));
      }),
    );
  });
});

describe("backup ids", () => {
  it("are UTC timestamps to the millisecond that sort by age and parse back", () => {
    const id = newBackupId(new Date(Date.UTC(2026, 10, 23, 15, 24, 0, 123)));
    expect(id).toBe("20261123T152400.123Z");
    expect(backupIdTime(id)).toBe(Date.UTC(2026, 10, 23, 15, 24, 0, 123));
    expect(backupIdTime("20261323T152400.123Z")).toBeUndefined();
    expect(backupIdTime("notes")).toBeUndefined();
  });
});
