import { describe, expect, it } from "vitest";
import { UsageError } from "../../scripts/lib/cli-args.js";
import { parseArgs } from "../../scripts/lib/args.js";
import { DURATION, parseDuration, POSITIVE_INTEGER, VERSION } from "../../scripts/migrate/args.js";
import { nextVersion, versionOf } from "../../scripts/migrate/command-new.js";

const FLAGS = { switches: ["json"], options: { steps: POSITIVE_INTEGER, to: VERSION, "lock-timeout": DURATION } };

describe("parseArgs", () => {
  it("reads switches, both option forms and positionals", () => {
    const args = parseArgs(["name", "--json", "--steps", "2", "--to=20260101000000"], FLAGS, "x");
    expect([...args.switches]).toEqual(["json"]);
    expect(args.options).toEqual({ steps: "2", to: "20260101000000" });
    expect(args.positional).toEqual(["name"]);
  });

  it.each([
    [["--stepz", "2"], "x: unknown flag --stepz; allowed flags: --json, --steps, --to, --lock-timeout"],
    [["--steps", "0"], "x: --steps: got '0'; expected a whole number of at least 1"],
    [["--steps", "-1"], "x: --steps: got '-1'; expected a whole number of at least 1"],
    [["--to", "2026"], "x: --to: got '2026'; expected a migration version: 14 digits yyyymmddhhmmss"],
    [["--lock-timeout", "soon"], "x: --lock-timeout: got 'soon'; expected a duration such as 500ms, 30s or 2m"],
    [["--steps"], "x: --steps needs a value: a whole number of at least 1"],
    [["--steps", "--json"], "x: --steps needs a value"],
    [["--json=yes"], "x: --json takes no value (got 'yes')"],
    [["--steps", "1", "--steps", "2"], "x: --steps given twice"],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseArgs(argv, FLAGS, "x")).toThrow(UsageError);
    expect(() => parseArgs(argv, FLAGS, "x")).toThrow(message);
  });
});

describe("parseDuration", () => {
  it("reads ms, s, m and bare seconds; refuses the rest", () => {
    expect([parseDuration("250ms"), parseDuration("30s"), parseDuration("2m"), parseDuration("5"), parseDuration("0")]).toEqual([250, 30_000, 120_000, 5000, 0]);
    expect([parseDuration("1h"), parseDuration("-1s"), parseDuration(""), parseDuration("2000m")]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("nextVersion", () => {
  it("uses the UTC time, or one second past the newest existing version", () => {
    const now = new Date("2026-03-04T05:06:07.890Z");
    expect(versionOf(now)).toBe("20260304050607");
    expect(nextVersion([], now)).toBe("20260304050607");
    expect(nextVersion(["20260304050607"], now)).toBe("20260304050608");
    expect(nextVersion(["20270101000000"], now)).toBe("20270101000001");
  });
});
