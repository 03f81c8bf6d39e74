import exec from "k6/execution";

/** Tags every later sample of this VU with runner=<name>, so runners of one TestRun write distinct series (k6-operator#119). */
export function tagRunner(runner: string): void {
  exec.vu.metrics.tags["runner"] = runner;
}
