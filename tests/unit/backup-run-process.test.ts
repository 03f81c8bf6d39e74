import { describe, expect, it } from "vitest";
import { childEnv, runProcess } from "../../scripts/backup/run-process.js";

describe("child processes of the backup CLIs", () => {
  it("stop with SIGTERM when their run is aborted, and report it as 128 + 15", async () => {
    const abort = new AbortController();
    const started = Date.now();
    const running = runProcess("sleep", ["30"], { env: childEnv(), signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    const result = await running;
    expect(result.code).toBe(143);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("keep the last lines they printed, and 127 when the program is missing", async () => {
    const printed = await runProcess("sh", ["-c", "for i in 1 2 3 4 5; do echo line $i; done; exit 3"], { env: childEnv(), tailLines: 2 });
    expect(printed).toEqual({ code: 3, tail: ["line 4", "line 5"] });
    const missing = await runProcess("no-such-program-here", [], { env: childEnv() });
    expect(missing.code).toBe(127);
    expect(missing.tail.at(-1)).toMatch(/cannot start no-such-program-here/);
  });
});
