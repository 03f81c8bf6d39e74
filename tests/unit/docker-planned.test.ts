import { describe, expect, it } from "vitest";
import { SECRET_NAMES } from "../../stacks/secret-names.js";
import { runMocked, valueOf, type Recorded } from "../support/harness.js";

/** The dev stack's planned services rendered by DockerPlatform, as the program does it. */
async function renderDev(preview: boolean) {
  return runMocked(
    async () => {
      const docker = await import("@pulumi/docker");
      const { loadConfig } = await import("../../stacks/load-config.js");
      const { StackSecrets } = await import("../../stacks/secrets.js");
      const { planServices, planTasks } = await import("../../stacks/services/index.js");
      const { DockerPlatform } = await import("../../stacks/platforms/docker/index.js");
      const { dockerAddressing } = await import("../../stacks/platforms/docker/addressing.js");
      const { config } = loadConfig();
      const secrets = new StackSecrets("supabase", { apiKeys: config.apiKeys });
      const specs = planServices(config, dockerAddressing());
      const tasks = planTasks(config, dockerAddressing());
      const platform = new DockerPlatform("supabase", { specs, tasks, config, secrets: secrets.values }, { provider: new docker.Provider("docker", {}) });
      const values = await Promise.all(SECRET_NAMES.map((n) => valueOf(secrets.values[n])));
      return { specs, tasks, gatewayUrl: platform.gatewayUrl, secretValues: values.filter((v): v is string => !!v) };
    },
    { stack: "dev", preview },
  );
}

const stripSecrets = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value && typeof value === "object") {
    if ((value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"]) return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecrets(v)]));
  }
  return value;
};

describe("DockerPlatform with the planned dev services", () => {
  it("renders a container per service: pinned, health-checked, only the gateway published, no secret in clear", async () => {
    const run = await renderDev(false);
    const containers = run.resources.filter((r) => r.type === "docker:index/container:Container" && !r.inputs.attach);
    expect(containers.map((c) => c.inputs.name).sort()).toEqual(run.result.specs.map((s) => `supabase-dev-${s.name}`).sort());
    for (const c of containers) {
      expect(c.inputs.image, c.name).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(c.inputs.healthcheck.tests.length, c.name).toBeGreaterThan(1);
      expect(c.inputs.restart).toBe("unless-stopped");
      expect(c.inputs.memory).toBeGreaterThan(0);
    }
    expect(containers.filter((c) => c.inputs.ports?.length).map((c) => c.inputs.name)).toEqual(["supabase-dev-kong"]);
    const realtime = containers.find((c) => c.inputs.name === "supabase-dev-realtime")!;
    expect(realtime.inputs.networksAdvanced[0].aliases).toEqual(["realtime-dev"]);
    const secrets = [...run.result.secretValues, ...run.generated];
    for (const r of run.resources as Recorded[]) {
      const visible = JSON.stringify(stripSecrets(r.raw));
      for (const s of secrets) expect(visible.includes(s), `${r.urn} shows a secret`).toBe(false);
    }
    expect(run.result.gatewayUrl).toBe("http://localhost:8000");
  });

  it("previews without errors", async () => {
    const run = await renderDev(true);
    expect(run.resources.filter((r) => r.type === "docker:index/container:Container")).toHaveLength(run.result.specs.length + run.result.tasks.length);
  });

  it("runs the database bootstrap once Postgres is healthy and starts its dependants only after it succeeded", async () => {
    const run = await renderDev(false);
    const containers = run.resources.filter((r) => r.type === "docker:index/container:Container");
    const byName = (n: string) => containers.find((c) => c.inputs.name === `supabase-dev-${n}`)!;
    const task = byName("db-bootstrap");
    expect(task.inputs).toMatchObject({ attach: true, mustRun: false, restart: "no", logs: true });
    expect(task.inputs.healthcheck).toBeUndefined();
    expect(task.inputs.entrypoints.slice(0, 6)).toEqual(["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1"]);
    expect(task.inputs.uploads.map((u: { file: string }) => u.file)).toEqual(run.result.tasks[0]!.files.map((f) => f.mountPath));
    expect(task.secretPaths).toContain("envs");
    expect(task.options.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/Container::supabase-postgres$/)]));
    for (const dependant of ["auth", "rest", "realtime"]) {
      const c = byName(dependant);
      expect(c.options.dependencies, dependant).toEqual(expect.arrayContaining([expect.stringMatching(/Container::supabase-db-bootstrap$/)]));
      expect(c.inputs.labels, dependant).toContainEqual({ label: "supabase.task.db-bootstrap", value: "succeeded" });
    }
    for (const independent of ["postgres", "redis", "kong"]) {
      expect(byName(independent).inputs.labels.map((l: { label: string }) => l.label), independent).not.toContain("supabase.task.db-bootstrap");
    }
  });
});
