import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../stacks/config.js";
import { runMocked } from "../support/harness.js";

const dir = mkdtempSync(join(tmpdir(), "k6-archive-"));
const archive = join(dir, "archive.tar");
writeFileSync(archive, "k6 archive bytes");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evaluate(stack: "dev" | "staging", config: Record<string, unknown>) {
  return runMocked(
    async () => {
      const { createStack } = await import("../../stacks/program.js");
      try {
        return createStack();
      } catch (e) {
        return e as Error;
      }
    },
    { stack, config },
  );
}

describe("a configured k6 release run", () => {
  it("deploys a TestRun on Kubernetes that remote-writes to the stack's Prometheus, and exports its gate", async () => {
    const run = await evaluate("staging", { loadtest: { testRun: { archive, target: 2000, parallelism: 2 } } });
    const testRun = run.resources.find((r) => r.type === "kubernetes:k6.io/v1alpha1:TestRun");
    expect(testRun?.inputs.metadata).toMatchObject({ name: "release", namespace: "supabase-staging" });
    expect(testRun?.inputs.spec.runner.image).toBe("grafana/k6:1.7.1");
    expect(testRun?.inputs.spec.runner.env).toContainEqual({
      name: "K6_PROMETHEUS_RW_SERVER_URL",
      value: "http://prometheus.supabase-staging.svc.cluster.local:9090/api/v1/write",
    });
    expect(testRun?.provider).toMatch(/::pulumi:providers:kubernetes::/);
    const prometheus = run.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name === "supabase-prometheus");
    expect(prometheus?.inputs.spec.template.spec.containers[0].args).toContain("--web.enable-remote-write-receiver");
    expect((run.result as { loadTestGate?: string }).loadTestGate).toContain('testid="release"');
  });

  it("deploys nothing for load tests while testRun is unset", async () => {
    const run = await evaluate("staging", {});
    expect(run.resources.filter((r) => r.type.includes("k6.io"))).toEqual([]);
    expect((run.result as { loadTestGate?: string }).loadTestGate).toBeUndefined();
  });

  it("names the key and the path when the archive is missing, before anything is created", async () => {
    const run = await evaluate("staging", { loadtest: { testRun: { archive: join(dir, "missing.tar") } } });
    expect((run.result as Error).message).toMatch(/supabase:loadtest\.testRun\.archive: got ".*missing\.tar", where there is no file/);
    expect(run.resources).toEqual([]);
  });

  it.each([
    ["the docker platform", "dev", {}, /supabase:loadtest\.testRun: .*expected nothing on the docker platform/],
    ["monitoring off", "staging", { monitoring: { enabled: false } }, /supabase:loadtest\.testRun: .*expected monitoring\.enabled/],
  ] as const)("is refused on %s", async (_, stack, extra, message) => {
    const run = await evaluate(stack, { ...extra, loadtest: { testRun: { archive } } });
    expect(run.result).toBeInstanceOf(ConfigError);
    expect((run.result as ConfigError).problems.join("\n")).toMatch(message);
    expect(run.resources).toEqual([]);
  });
});
