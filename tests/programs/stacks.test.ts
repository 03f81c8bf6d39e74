import { isSecret } from "@pulumi/pulumi";
import { jwtVerify } from "jose";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "../../stacks/config.js";
import type { StackOutputs } from "../../stacks/program.js";
import { STACK_NAMES } from "../../stacks/stack-files.js";
import { runMocked, valueOf, type MockedRun } from "../support/harness.js";
import { plaintextSecrets, stringLeaves } from "../support/inspect.js";
import { kubernetesObjects, validateKubernetesObject } from "../support/kubernetes.js";
import { renderedContainers, type RenderedContainer } from "../support/workloads.js";

interface Evaluated {
  readonly run: MockedRun<StackOutputs>;
  readonly containers: RenderedContainer[];
  readonly tasks: RenderedContainer[];
  readonly secrets: string[];
  readonly anonKey: string;
  readonly serviceRoleKey: string;
}

async function evaluate(stack: (typeof STACK_NAMES)[number], preview = false): Promise<Evaluated> {
  const run = await runMocked(
    async () => {
      const { createStack } = await import("../../stacks/program.js");
      return createStack();
    },
    { stack, preview },
  );
  const anonKey = (await valueOf(run.result.anonKey)) ?? "";
  const serviceRoleKey = (await valueOf(run.result.serviceRoleKey)) ?? "";
  return { run, containers: renderedContainers(run.resources).filter((c) => c.kind === "service"), tasks: renderedContainers(run.resources).filter((c) => c.kind === "task"), secrets: [...run.generated, anonKey, serviceRoleKey].filter((s) => s.length >= 16), anonKey, serviceRoleKey };
}

function container(e: Evaluated, service: string): RenderedContainer {
  const found = e.containers.find((c) => c.service === service);
  if (!found) throw new Error(`no container for ${service}`);
  return found;
}

describe.each(STACK_NAMES)("stack %s under Pulumi mocks", (stack) => {
  let e: Evaluated;
  beforeAll(async () => {
    e = await evaluate(stack);
  });

  it("runs all six services", () => {
    expect(new Set(e.containers.map((c) => c.service))).toEqual(new Set(SERVICE_NAMES));
  });

  it("gives every resource a unique URN", () => {
    const urns = e.run.resources.map((r) => r.urn);
    expect(urns.filter((u, i) => urns.indexOf(u) !== i)).toEqual([]);
  });

  it("uses an explicit provider for every Kubernetes and Docker resource", () => {
    const platformResources = e.run.resources.filter((r) => r.custom && /^(kubernetes|docker):/.test(r.type));
    expect(platformResources.length).toBeGreaterThan(6);
    for (const r of platformResources) expect(r.provider, r.urn).toMatch(/::pulumi:providers:(kubernetes|docker)::/);
  });

  it("renders only valid Kubernetes objects", async () => {
    const objects = kubernetesObjects(e.run.resources);
    if (stack === "dev") expect(objects).toEqual([]);
    else expect(objects.length).toBeGreaterThan(12);
    for (const o of objects) await validateKubernetesObject(o);
  });

  it("never passes a generated secret in plaintext", () => {
    expect(e.secrets.length).toBeGreaterThanOrEqual(11);
    for (const r of e.run.resources) {
      if (r.type.startsWith("random:")) continue;
      expect(plaintextSecrets(r, e.secrets).map((l) => `${r.urn} ${l.path}`)).toEqual([]);
    }
  });

  it("keeps keys and passwords out of ConfigMaps", () => {
    for (const cm of e.run.resources.filter((r) => r.inputs?.kind === "ConfigMap")) {
      const text = stringLeaves(cm.inputs).map((l) => l.value).join("\n");
      for (const s of e.secrets) expect(text.includes(s), cm.urn).toBe(false);
      expect(text, cm.urn).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
    }
  });

  it("pins every image and gives every container probes and resources", () => {
    for (const c of e.containers) {
      expect(c.image, c.service).toMatch(/^[\w./-]+(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/);
      expect(c.image, c.service).toMatch(/[:@]/);
      expect(c.image, c.service).not.toMatch(/:latest\b/);
      if (stack === "dev") {
        expect(c.spec.healthcheck?.tests?.length, c.service).toBeGreaterThan(0);
        expect(c.spec.memory, c.service).toBeGreaterThan(0);
        expect(c.spec.restart, c.service).toBe("unless-stopped");
      } else {
        expect(c.spec.readinessProbe, c.service).toBeDefined();
        expect(c.spec.livenessProbe, c.service).toBeDefined();
        expect(c.spec.resources?.requests?.memory, c.service).toBeDefined();
        expect(c.spec.resources?.limits?.memory, c.service).toBeDefined();
      }
    }
  });

  it("gives GoTrue, PostgREST and Realtime the JWT secret that signs the gateway's keys", async () => {
    const secret = container(e, "auth").env["GOTRUE_JWT_SECRET"];
    expect(secret?.length).toBeGreaterThanOrEqual(40);
    expect(container(e, "rest").env["PGRST_JWT_SECRET"]).toBe(secret);
    expect(container(e, "realtime").env["API_JWT_SECRET"]).toBe(secret);
    const kongYml = Object.values(container(e, "kong").files).find((f) => f.includes("_format_version"));
    expect(kongYml).toBeDefined();
    const consumers = (parse(kongYml!) as { consumers: { username: string; keyauth_credentials?: { key: string }[] }[] }).consumers;
    const keys = Object.fromEntries(consumers.filter((c) => c.keyauth_credentials).map((c) => [c.username, c.keyauth_credentials![0]!.key]));
    expect(keys).toEqual({ anon: e.anonKey, service_role: e.serviceRoleKey });
    for (const [role, key] of Object.entries(keys)) {
      const { payload } = await jwtVerify(key, new TextEncoder().encode(secret), { issuer: "supabase" });
      expect(payload.role).toBe(role);
    }
  });

  it("bootstraps the database with the very passwords the services log in with", () => {
    expect(e.tasks.map((t) => t.service)).toEqual(["db-bootstrap"]);
    const bootstrap = e.tasks[0]!;
    const options = Object.fromEntries([...bootstrap.env["PGOPTIONS"]!.matchAll(/-c bootstrap\.(\w+)_password=(\S+)/g)].map((m) => [m[1], m[2]]));
    const passwordIn = (url: string) => decodeURIComponent(new URL(url).password);
    expect(options["authenticator"]).toBe(passwordIn(container(e, "rest").env["PGRST_DB_URI"]!));
    expect(options["supabase_auth_admin"]).toBe(passwordIn(container(e, "auth").env["GOTRUE_DB_DATABASE_URL"]!));
    expect(options["supabase_admin"]).toBe(container(e, "realtime").env["DB_PASSWORD"]);
    expect(bootstrap.env["PGPASSWORD"]).toBe(container(e, "postgres").env["POSTGRES_PASSWORD"]);
    const sqlFiles = Object.keys(bootstrap.files).filter((f) => f.startsWith("/bootstrap/"));
    expect(sqlFiles.length).toBeGreaterThanOrEqual(5);
  });

  it("routes Realtime to the tenant its gateway upstream names", () => {
    const tenant = container(e, "realtime").env["SELF_HOST_TENANT_NAME"];
    const kongYml = parse(Object.values(container(e, "kong").files).find((f) => f.includes("_format_version"))!) as { services: { url?: string; host?: string }[] };
    const hosts = kongYml.services.map((s) => (s.url ? new URL(s.url).hostname : s.host ?? ""));
    expect(hosts.filter((h) => h.split(".")[0] === tenant).length).toBeGreaterThan(0);
  });

  it("protects the database and keeps its data volumes outside the program's lifecycle", () => {
    const db = container(e, "postgres").resource;
    expect(db.options.protect).toBe(stack !== "dev");
    if (stack === "dev") {
      const volumes = e.run.resources.filter((r) => r.type === "docker:index/volume:Volume");
      expect(volumes.length).toBeGreaterThanOrEqual(3);
      for (const v of volumes) expect(v.options.retainOnDelete, v.urn).toBe(true);
    } else {
      expect(db.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    }
  });

  it("exports the API URL and keys, the service key as a secret", async () => {
    expect(e.run.result.apiUrl).toMatch(/^https?:\/\//);
    expect(e.anonKey).toMatch(/^eyJ/);
    expect(await isSecret(e.run.result.serviceRoleKey)).toBe(true);
    expect(await isSecret(e.run.result.anonKey)).toBe(false);
  });

  it("completes a preview, where outputs are unknown", async () => {
    const preview = await evaluate(stack, true);
    expect(preview.run.resources.length).toBe(e.run.resources.length);
  });
});
