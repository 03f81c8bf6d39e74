import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { requireBinary } from "../support/binaries.js";

function trackedFiles(...patterns: string[]): string[] {
  const out = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", ...patterns], { cwd: REPO_ROOT, encoding: "utf8" });
  expect(out.status).toBe(0);
  return out.stdout.split("\n").filter(Boolean);
}

describe("linters", () => {
  it("yamllint accepts every YAML file", () => {
    const yamllint = requireBinary("yamllint", "yamllint");
    const files = trackedFiles("*.yaml", "*.yml");
    expect(files).toContain("Pulumi.yaml");
    const run = spawnSync(yamllint, ["--strict", "-c", ".yamllint.yaml", ...files], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("shellcheck accepts every shell script", () => {
    const shellcheck = requireBinary("shellcheck", "shellcheck");
    const files = [...trackedFiles("*.sh"), ".ci/run"];
    const run = spawnSync(shellcheck, ["--severity=style", ...files], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
