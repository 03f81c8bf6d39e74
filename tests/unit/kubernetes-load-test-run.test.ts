import { describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { runMocked } from "../support/harness.js";
import { kubernetesObjects, validateKubernetesObject } from "../support/kubernetes.js";

const config = parseConfig(
  {
    platform: "kubernetes",
    publicUrl: "https://api.example.com",
    ingress: { className: "nginx", tlsIssuer: "letsencrypt" },
    realtime: { maxConcurrentUsers: 12000, maxEventsPerSecond: 1000000, maxJoinsPerSecond: 100 },
    backup: { enabled: false },
  },
  "staging",
);

async function render(archive: Buffer, target = 2000) {
  return runMocked(
    async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { StackSecrets } = await import("../../stacks/secrets.js");
      const { LoadTestRun } = await import("../../stacks/platforms/kubernetes/load-test-run.js");
      const secrets = new StackSecrets("supabase", { apiKeys: config.apiKeys });
      const provider = new k8s.Provider("kubernetes", { namespace: "supabase-staging" });
      try {
        const run = new LoadTestRun(
          "release",
          {
            run: {
              name: "release-1",
              stack: "staging",
              namespace: "supabase-staging",
              scenario: "average",
              target,
              limits: config.realtime,
              parallelism: 4,
              supabaseUrl: config.publicUrl,
              prometheusRemoteWriteUrl: "http://prometheus.supabase-staging.svc.cluster.local:9090/api/v1/write",
              runnerImage: "grafana/k6:1.7.1",
            },
            archive,
            secrets: secrets.values,
          },
          { provider },
        );
        return { gateQuery: run.gateQuery, archiveCommand: run.archiveCommand };
      } catch (e) {
        return e as Error;
      }
    },
    { stack: "staging" },
  );
}

describe("LoadTestRun", () => {
  it("ships the archive in a ConfigMap, the keys in a Secret, and a TestRun that references both", async () => {
    const run = await render(Buffer.from("k6-archive-bytes"));
    const objects = kubernetesObjects(run.resources);
    const configMap = objects.find((o) => o.inputs.kind === "ConfigMap")!;
    const secret = objects.find((o) => o.inputs.kind === "Secret")!;
    const testRun = objects.find((o) => o.inputs.kind === "TestRun")!;
    await validateKubernetesObject(configMap);
    await validateKubernetesObject(secret);
    expect(Buffer.from(configMap.inputs.binaryData["archive.tar"], "base64").toString()).toBe("k6-archive-bytes");
    expect(Object.keys(secret.inputs.stringData).sort()).toEqual(["JWT_SECRET", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY"]);
    expect(secret.secretPaths).toContain("stringData");
    expect(testRun.type).toBe("kubernetes:k6.io/v1alpha1:TestRun");
    expect(testRun.inputs.metadata).toMatchObject({ name: "release-1", namespace: "supabase-staging" });
    expect(testRun.inputs.spec.script.configMap).toEqual({ name: configMap.inputs.metadata.name, file: "archive.tar" });
    expect(testRun.inputs.spec.runner.envFrom).toEqual([{ secretRef: { name: secret.inputs.metadata.name } }]);
    expect(testRun.inputs.spec.parallelism).toBe(4);
    expect(JSON.stringify(testRun.inputs)).not.toMatch(/eyJ[\w-]{10,}\./);
    const result = run.result as { gateQuery: string; archiveCommand: string };
    expect(result.gateQuery).toContain('testid="release-1"');
    expect(result.archiveCommand).toMatch(/^SCENARIO=average TARGET_CONNECTIONS=2000 .* k6 archive --exclude-env-vars -O archive.tar tests\/load\/all.ts$/);
  });

  it("refuses an archive too large for a ConfigMap before creating anything", async () => {
    const run = await render(Buffer.alloc(1024 * 1024 + 1));
    expect(run.result).toBeInstanceOf(RangeError);
    expect((run.result as Error).message).toMatch(/loadtest\.testRun\.archive: got 1048577 bytes; expected at most 1048576/);
    expect(kubernetesObjects(run.resources)).toEqual([]);
  });

  it("refuses a target above the stack's Realtime limit before creating anything", async () => {
    const run = await render(Buffer.from("x"), 20000);
    expect((run.result as Error).message).toMatch(/20000 connections .* at most 12000 concurrent Realtime users/);
    expect(kubernetesObjects(run.resources)).toEqual([]);
  });
});
