import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";

describe("the k6 suite", () => {
  it("type-checks against @types/k6 with tests/load/tsconfig.json (no k6 binary needed)", () => {
    const run = spawnSync("npx", ["--no-install", "tsc", "--noEmit", "-p", "tests/load/tsconfig.json"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env["PATH"] ?? ""}` },
    });
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  });
});
