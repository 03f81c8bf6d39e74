import { describe, expect, it } from "vitest";
import { parseMigration, type Migration } from "../../scripts/migrate/migration-file.js";
import { assess, pendingThrough, PlanError, requireKnownVersion, rollbackPlan, upRefusals, type AppliedMigration } from "../../scripts/migrate/plan.js";

function migration(version: string, down = true): Migration {
  return parseMigration(`${version}_m${version.slice(-2)}.sql`, `-- migrate:up\nSELECT ${version};\n${down ? "-- migrate:down\nSELECT 0;\n" : ""}`);
}

function applied(m: Migration, checksum = m.checksum): AppliedMigration {
  return { version: m.version, name: m.name, checksum, appliedAt: new Date(0), appliedBy: "test", durationMs: 1 };
}

const [m1, m2, m3] = [migration("20260101000001"), migration("20260101000002"), migration("20260101000003", false)] as [Migration, Migration, Migration];

describe("assess", () => {
  it("splits files into applied and pending", () => {
    const state = assess([m1, m2, m3], [applied(m1)]);
    expect(state.pending.map((m) => m.version)).toEqual([m2.version, m3.version]);
    expect(state.drift).toEqual([]);
    expect(upRefusals(state, false)).toEqual([]);
  });

  it("reports a changed file and a missing file as drift, and up refuses", () => {
    const gone = migration("20260101000000");
    const state = assess([m1, m2], [applied(gone), applied(m1, "0".repeat(64))]);
    expect(state.drift.map((d) => [d.version, d.kind])).toEqual([
      [gone.version, "missing"],
      [m1.version, "changed"],
    ]);
    expect(upRefusals(state, true).join("\n")).toMatch(/file is missing[\s\S]*changed after it was applied/);
  });

  it("refuses pending files older than the newest applied one unless allowed", () => {
    const state = assess([m1, m2, m3], [applied(m1), applied(m3)]);
    expect(state.outOfOrder.map((m) => m.version)).toEqual([m2.version]);
    expect(upRefusals(state, false)[0]).toContain("--allow-out-of-order");
    expect(upRefusals(state, true)).toEqual([]);
  });
});

describe("pendingThrough and requireKnownVersion", () => {
  it("stops at --to and refuses an unknown version", () => {
    const state = assess([m1, m2, m3], []);
    expect(pendingThrough(state, m2.version).map((m) => m.version)).toEqual([m1.version, m2.version]);
    expect(() => requireKnownVersion([m1, m2], "20991231235959")).toThrow("--to: got '20991231235959'; expected the version of a migration file");
  });
});

describe("rollbackPlan", () => {
  it("reverts newest first", () => {
    const state = assess([m1, m2], [applied(m1), applied(m2)]);
    expect(rollbackPlan(state, [m1, m2], 2).map((m) => m.version)).toEqual([m2.version, m1.version]);
  });

  it("refuses when a target has no down part, changed, or more steps than applied", () => {
    const state = assess([m1, m3], [applied(m1), applied(m3)]);
    expect(() => rollbackPlan(state, [m1, m3], 1)).toThrow(PlanError);
    expect(() => rollbackPlan(state, [m1, m3], 1)).toThrow("has no down part");
    expect(() => rollbackPlan(assess([m1], [applied(m1, "f".repeat(64))]), [m1], 1)).toThrow("changed after it was applied");
    expect(() => rollbackPlan(state, [m1, m3], 3)).toThrow("--steps 3: only 2 migration(s) are applied");
  });
});
