import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { COMPOSE } from "../../scripts/generate-compose.js";
import { DASHBOARD_FILES } from "../../scripts/generate-dashboards.js";
import { PROMETHEUS_EXAMPLE_FILES } from "../../scripts/generate-prometheus-examples.js";
import { driftOf, runGenerator, type Generator } from "../../scripts/lib/generated-files.js";

const SCRIPTS: Record<string, string> = {
  compose: "compose:generate",
  "monitoring/grafana/dashboards": "dashboards:generate",
  "monitoring/prometheus": "prometheus:generate",
};

describe.each([COMPOSE, DASHBOARD_FILES, PROMETHEUS_EXAMPLE_FILES])("committed $label", (generator) => {
  it("matches what its generator writes", () => {
    const drift = driftOf(generator.files(), generator.dir, generator.owns);
    const problems = [
      ...drift.missing.map((f) => `missing: ${f}`),
      ...drift.changed.map((f) => `out of date: ${f}`),
      ...drift.extra.map((f) => `not generated: ${f}`),
    ];
    expect(problems, `${generator.label}/ drifted; run \`npm run ${SCRIPTS[generator.label]}\` and commit the result:\n${problems.join("\n")}`).toEqual([]);
  });
});

describe("runGenerator", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  function fixture(): Generator {
    const dir = mkdtempSync(join(tmpdir(), "generated-"));
    dirs.push(dir);
    mkdirSync(join(dir, "old"), { recursive: true });
    writeFileSync(join(dir, "same.txt"), "same");
    writeFileSync(join(dir, "stale.txt"), "before");
    writeFileSync(join(dir, "old", "gone.txt"), "x");
    writeFileSync(join(dir, "operator.env"), "secret");
    return {
      label: "out",
      dir,
      help: "usage",
      files: () => ({ "same.txt": "same", "stale.txt": "after", "new/made.txt": "made" }),
      owns: (path) => path.endsWith(".txt"),
    };
  }

  it("reports missing, changed and owned extra files, and a dry run writes nothing and exits 1", () => {
    const g = fixture();
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(driftOf(g.files(), g.dir, g.owns)).toEqual({ missing: ["new/made.txt"], changed: ["stale.txt"], extra: ["old/gone.txt"] });
    expect(runGenerator(g, ["--dry-run"])).toBe(1);
    expect(readFileSync(join(g.dir, "stale.txt"), "utf8")).toBe("before");
    expect(existsSync(join(g.dir, "new"))).toBe(false);
  });

  it("writes the files, removes owned leftovers and their empty folders, and keeps what it does not own", () => {
    const g = fixture();
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(runGenerator(g, [])).toBe(0);
    expect(readFileSync(join(g.dir, "stale.txt"), "utf8")).toBe("after");
    expect(readFileSync(join(g.dir, "new", "made.txt"), "utf8")).toBe("made");
    expect(existsSync(join(g.dir, "old"))).toBe(false);
    expect(readFileSync(join(g.dir, "operator.env"), "utf8")).toBe("secret");
    expect(runGenerator(g, ["--dry-run"])).toBe(0);
  });

  it("prints the drift as JSON", () => {
    const g = fixture();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    runGenerator(g, ["--dry-run", "--json"]);
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toEqual({ dryRun: true, upToDate: false, missing: ["new/made.txt"], changed: ["stale.txt"], extra: ["old/gone.txt"] });
  });

  it("rejects an unknown flag", () => {
    expect(() => runGenerator(fixture(), ["--force"])).toThrow(/--force/);
  });
});
