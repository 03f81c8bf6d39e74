import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { composeDrift, generateComposeFiles } from "../../scripts/generate-compose.js";
import { REPO_ROOT } from "../../stacks/stack-files.js";

describe("compose/", () => {
  it("matches what `npm run compose:generate` writes", () => {
    const drift = composeDrift(generateComposeFiles(), join(REPO_ROOT, "compose"));
    const problems = [
      ...drift.missing.map((f) => `missing: compose/${f}`),
      ...drift.changed.map((f) => `out of date: compose/${f}`),
      ...drift.extra.map((f) => `not generated: compose/${f}`),
    ];
    expect(problems, `compose/ drifted from the specs; run \`npm run compose:generate\` and commit the result:\n${problems.join("\n")}`).toEqual([]);
  });
});
