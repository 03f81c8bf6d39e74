import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { SECRET_NAMES } from "../../stacks/secret-names.js";
import { holdsSecret } from "../../stacks/template.js";
import { runMocked, valueOf, type Recorded } from "../support/harness.js";
import { fixtureSpecs } from "./docker-fixture-specs.js";

const config = parseConfig({ platform: "docker", gatewayPort: 8443 }, "dev");
const specs = fixtureSpecs();
let resources: Recorded[];
let secretValues: string[];
let gatewayUrl: string;

const ofType = (type: string): Recorded[] => resources.filter((r) => r.type === `docker:index/${type}`);
const container = (service: string): Recorded => {
  const found = ofType("container:Container").find((r) => r.inputs.name === `supabase-dev-${service}`);
  if (!found) throw new Error(`no container for ${service}`);
  return found;
};

/** Removes every subtree that arrived as a secret. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object") {
    if ((value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"]) return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}

beforeAll(async () => {
  const run = await runMocked(async () => {
    const docker = await import("@pulumi/docker");
    const { StackSecrets } = await import("../../stacks/secrets.js");
    const { DockerPlatform } = await import("../../stacks/platforms/docker/index.js");
    const provider = new docker.Provider("docker", {});
    const secrets = new StackSecrets("supabase", { apiKeys: config.apiKeys });
    const platform = new DockerPlatform("supabase", { specs, tasks: [], config: { ...config, protectDatabase: true }, secrets: secrets.values }, { provider });
    const values = await Promise.all(SECRET_NAMES.map((n) => valueOf(secrets.values[n])));
    return { gatewayUrl: platform.gatewayUrl, values: values.filter((v): v is string => !!v) };
  });
  resources = run.resources;
  secretValues = [...new Set([...run.result.values, ...run.generated])];
  gatewayUrl = run.result.gatewayUrl;
});

describe("DockerPlatform", () => {
  it("renders one network, one image per distinct reference, the volumes and one container per spec", () => {
    expect(ofType("network:Network").map((r) => r.inputs.name)).toEqual(["supabase-dev"]);
    const images = ofType("remoteImage:RemoteImage");
    expect(images.map((r) => r.inputs.name).sort()).toEqual([...new Set(specs.map((s) => s.image))].sort());
    expect(images.every((r) => r.inputs.keepLocally === true)).toBe(true);
    expect(ofType("volume:Volume").map((r) => r.inputs.name).sort()).toEqual([
      "supabase-dev-postgres-data",
      "supabase-dev-postgres-pgsodium",
      "supabase-dev-redis-data",
    ]);
    expect(ofType("container:Container").map((r) => r.inputs.name).sort()).toEqual(specs.map((s) => `supabase-dev-${s.name}`).sort());
    expect(gatewayUrl).toBe("http://localhost:8443");
  });

  it("uses the explicit provider and a component parent for every docker resource", () => {
    const dockerResources = resources.filter((r) => r.type.startsWith("docker:index/"));
    expect(dockerResources.every((r) => r.provider.includes("pulumi:providers:docker::docker"))).toBe(true);
    expect(resources.find((r) => r.type === "supabase:docker:Platform")?.custom).toBe(false);
    expect(new Set(resources.map((r) => r.urn)).size).toBe(resources.length);
  });

  it("runs every container from the pulled image's id, health-checked, restarted, limited and waited for", () => {
    const imageIds = new Map(ofType("remoteImage:RemoteImage").map((r) => [r.inputs.name, r.inputs.imageId]));
    for (const s of specs) {
      const c = container(s.name).inputs;
      expect(c.image).toBe(imageIds.get(s.image));
      expect(s.image).toMatch(/:[\w.-]+$|@sha256:/);
      expect(c.healthcheck.tests[0]).toBe("CMD");
      expect(c.healthcheck.retries).toBe(s.health.failureThreshold);
      expect(c.healthcheck.startPeriod).toBe(`${s.health.startPeriodSeconds}s`);
      expect(c.restart).toBe("unless-stopped");
      expect(c.memory).toBe(512);
      expect(c.cpus).toBe("0.5");
      expect(c.wait).toBe(true);
      expect(c.waitTimeout).toBeGreaterThan(s.health.startPeriodSeconds);
      expect(c.networksAdvanced).toEqual([{ name: "supabase-dev", aliases: [s.host] }]);
      expect(Object.fromEntries(c.labels.map((l: { label: string; value: string }) => [l.label, l.value]))).toEqual(s.logLabels);
    }
  });

  it("publishes only the gateway's public port, on all interfaces at gatewayPort", () => {
    const published = ofType("container:Container").filter((r) => r.inputs.ports?.length);
    expect(published.map((r) => r.inputs.name)).toEqual(["supabase-dev-kong"]);
    expect(container("kong").inputs.ports).toEqual([{ internal: 8000, external: 8443, ip: "0.0.0.0", protocol: "tcp" }]);
  });

  it("maps each readiness probe to a command the image ships", () => {
    expect(container("postgres").inputs.healthcheck.tests).toEqual(["CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1"]);
    expect(container("auth").inputs.healthcheck.tests).toEqual(["CMD", "wget", "--no-verbose", "--tries=1", "--spider", "http://127.0.0.1:9999/health"]);
    expect(container("rest").inputs.healthcheck.tests).toEqual(["CMD", "postgrest", "--ready"]);
    expect(container("realtime").inputs.healthcheck.tests).toContain("http://127.0.0.1:4000/api/ping");
    expect(container("redis").inputs.healthcheck.tests).toEqual(["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6379"]);
    expect(container("kong").inputs.healthcheck.tests.join(" ")).toContain("/dev/tcp/127.0.0.1/8100");
  });

  it("delivers env and files that hold secrets as secrets, and no secret value anywhere else", () => {
    for (const s of specs) {
      const c = container(s.name);
      const secretEnv = Object.values(s.env).some(holdsSecret);
      expect(c.secretPaths.some((p) => p.startsWith("envs")), `${s.name} envs`).toBe(secretEnv);
      s.files.forEach((f, i) => {
        const secret = c.secretPaths.some((p) => p === "uploads" || p.startsWith(`uploads[${i}]`));
        if (holdsSecret(f.content)) expect(secret, `${s.name} ${f.name}`).toBe(true);
      });
      if (!s.files.some((f) => holdsSecret(f.content))) expect(c.secretPaths.some((p) => p.startsWith("uploads")), `${s.name} uploads`).toBe(false);
    }
    expect(secretValues.length).toBeGreaterThan(10);
    for (const r of resources) {
      const visible = JSON.stringify(withoutSecrets(r.raw));
      for (const value of secretValues) expect(visible.includes(value), `${r.urn} shows a secret`).toBe(false);
    }
  });

  it("renders env as KEY=value with the resolved secrets", () => {
    const envs: string[] = container("auth").inputs.envs;
    expect(envs).toContain("GOTRUE_SITE_URL=http://localhost:3000");
    expect(envs.find((e) => e.startsWith("GOTRUE_DB_DATABASE_URL="))).toMatch(/^GOTRUE_DB_DATABASE_URL=postgres:\/\/supabase_auth_admin:[0-9a-f]{40}@postgres:5432\/postgres$/);
  });

  it("uploads files read-only; secret files only for the service's user", () => {
    expect(container("kong").inputs.uploads).toEqual([
      expect.objectContaining({ file: "/home/kong/kong.yml", permissions: "0440", owner: "1000", group: "1000" }),
      expect.objectContaining({ file: "/home/kong/nginx-tuning.conf", permissions: "0444", content: "worker_connections 4096;\n" }),
    ]);
    expect(container("redis").inputs.uploads[0].content).toMatch(/^maxmemory 256mb\nrequirepass [0-9a-f]{40}\n$/);
  });

  it("sets ulimits, user and a read-only root (with /tmp) from the spec's security", () => {
    expect(container("realtime").inputs.ulimits).toEqual([{ name: "nofile", soft: 100000, hard: 100000 }]);
    expect(container("auth").inputs.ulimits).toBeUndefined();
    expect(container("redis").inputs.user).toBe("999");
    expect(container("auth").inputs.user).toBeUndefined();
    expect(container("auth").inputs.readOnly).toBe(true);
    expect(container("auth").inputs.tmpfs).toEqual({ "/tmp": "rw,nosuid,nodev,size=64m" });
    expect(container("redis").inputs.readOnly, "uploads need a writable root").toBeUndefined();
  });

  it("mounts the named volumes and never deletes them with the program", () => {
    expect(container("postgres").inputs.volumes).toEqual([
      { volumeName: "supabase-dev-postgres-data", containerPath: "/var/lib/postgresql/data" },
      { volumeName: "supabase-dev-postgres-pgsodium", containerPath: "/etc/postgresql-custom" },
    ]);
    for (const v of ofType("volume:Volume")) {
      expect(v.options.retainOnDelete, v.name).toBe(true);
      expect(v.options.protect, `${v.name} protected when protectDatabase`).toBe(true);
    }
  });

  it("creates each container after the containers it depends on", () => {
    const urnOf = (service: string): string => `urn:pulumi:dev::supabase::supabase:docker:Platform$docker:index/container:Container::supabase-${service}`;
    for (const s of specs) {
      const deps = container(s.name).options.dependencies;
      for (const dep of s.dependsOn) expect(deps, `${s.name} after ${dep}`).toContain(urnOf(dep));
    }
    const order = ofType("container:Container").map((r) => r.name);
    for (const s of specs) for (const dep of s.dependsOn) expect(order.indexOf(`supabase-${dep}`)).toBeLessThan(order.indexOf(`supabase-${s.name}`));
  });
});
