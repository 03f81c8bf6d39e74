import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Probe, ServiceSpec } from "../../stacks/model.js";
import { healthTest, healthyWithinSeconds } from "../../stacks/platforms/docker/healthcheck.js";
import { imageFacts, imageRepository } from "../../stacks/platforms/docker/images.js";
import { dockerLimits } from "../../stacks/platforms/docker/limits.js";
import { publicPort } from "../../stacks/platforms/docker/public-port.js";
import { fixtureSpecs } from "./docker-fixture-specs.js";

const [postgres, redis, auth, rest, realtime, kong] = fixtureSpecs() as [ServiceSpec, ServiceSpec, ServiceSpec, ServiceSpec, ServiceSpec, ServiceSpec];
const withProbe = (spec: ServiceSpec, readiness: Probe, image = spec.image): ServiceSpec => ({ ...spec, image, health: { ...spec.health, readiness } });

describe("imageRepository", () => {
  it.each([
    ["kong/kong:3.9.1", "kong/kong"],
    ["redis:7.4.2", "redis"],
    ["docker.io/library/redis:7.4.2", "redis"],
    [`supabase/gotrue@sha256:${"a".repeat(64)}`, "supabase/gotrue"],
    ["registry.local:5000/team/kong:3.9.1", "registry.local:5000/team/kong"],
  ])("%s → %s", (image, repo) => expect(imageRepository(image)).toBe(repo));

  it("knows the tool of every pinned image", () => {
    for (const spec of fixtureSpecs()) expect(imageFacts(spec.image), spec.image).toBeDefined();
  });
});

describe("healthTest", () => {
  it("runs exec probes as given", () => {
    expect(healthTest(postgres)).toEqual(["CMD", ...(postgres.health.readiness as { exec: string[] }).exec]);
  });

  it("uses the HTTP client each image ships", () => {
    expect(healthTest(auth)[1]).toBe("wget");
    expect(healthTest(realtime)[1]).toBe("curl");
    expect(healthTest(kong).slice(1, 3)).toEqual(["bash", "-c"]);
    expect(healthTest(rest)).toEqual(["CMD", "postgrest", "--ready"]);
  });

  it("refuses probes the image cannot run, naming the fix", () => {
    expect(() => healthTest(withProbe(auth, { tcp: { port: "http" } }))).toThrow(/auth: image supabase\/gotrue:v2.186.0 cannot run a tcp probe .* exec readiness probe/);
    expect(() => healthTest(withProbe(rest, { http: { path: "/", port: "http" } }))).toThrow(/cannot run a http probe \(it ships postgrest\)/);
    expect(() => healthTest(withProbe(auth, { http: { path: "/health", port: "http" } }, "example/unknown:1.0"))).toThrow(/no known health tool for image example\/unknown:1.0/);
    expect(() => healthTest(withProbe(auth, { http: { path: "/health", port: "nope" } }))).toThrow(/auth: no port named 'nope' \(ports: http\)/);
    expect(() => healthTest(withProbe(kong, { http: { path: "/x' ; rm -rf /", port: "status" } }))).toThrow(/must be an absolute URL path/);
  });

  it("allows the start period and every failure before giving up on a new container", () => {
    expect(healthyWithinSeconds(redis.health)).toBe(10 + 3 * (10 + 5) + 30);
  });
});

describe("the bash HTTP probe", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === "/status/ready" ? 200 : 503;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const probe = async (path: string): Promise<boolean> => {
    const spec = withProbe({ ...kong, ports: [{ name: "status", port }] }, { http: { path, port: "status" } });
    const [, ...argv] = healthTest(spec);
    return promisify(execFile)(argv[0]!, argv.slice(1)).then(
      () => true,
      () => false,
    );
  };

  it("passes on 2xx and fails otherwise", async () => {
    expect(await probe("/status/ready")).toBe(true);
    expect(await probe("/status")).toBe(false);
  });
});

describe("dockerLimits", () => {
  it("converts Kubernetes quantities", () => {
    expect(dockerLimits({ requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1500m", memory: "2Gi" } })).toEqual({ memoryMiB: 2048, cpus: "1.5" });
    expect(dockerLimits({ requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "2", memory: "512Mi" } })).toEqual({ memoryMiB: 512, cpus: "2" });
  });
});

describe("publicPort", () => {
  it("finds the gateway's port and refuses none or several", () => {
    expect(publicPort(fixtureSpecs())).toEqual({ service: "kong", port: 8000 });
    expect(() => publicPort([postgres])).toThrow(/exactly one port must be public .* found none/);
  });
});
