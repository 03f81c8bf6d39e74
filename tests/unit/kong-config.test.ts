import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../stacks/config.js";
import type { Addressing } from "../../stacks/model.js";
import { planServices } from "../../stacks/services/index.js";
import { KONG_CONFIG_PATH, renderKongConfig } from "../../stacks/services/kong-config.js";
import { readRepoFile } from "../../stacks/services/repo-file.js";
import { render, secretsOf } from "../../stacks/template.js";

interface Plugin {
  name: string;
  config?: Record<string, unknown>;
}
interface Route {
  name: string;
  paths: string[];
  strip_path: boolean;
  protocols?: string[];
}
interface Service {
  name: string;
  url: string;
  read_timeout?: number;
  write_timeout?: number;
  routes: Route[];
  plugins?: Plugin[];
}
interface Consumer {
  username: string;
  keyauth_credentials?: { key: string }[];
  acls?: { group: string }[];
  basicauth_credentials?: { username: string; password: string }[];
}
interface KongConfig {
  _format_version: string;
  consumers: Consumer[];
  plugins: Plugin[];
  services: Service[];
}

const clusterDns = (namespace: string): Addressing => ({ address: (host) => `${host}.${namespace}.svc.cluster.local` });
const composeDns: Addressing = { address: (host) => host };
const DUMMY = { anonKey: "dummy.anon.key", serviceRoleKey: "dummy.service.key", dashboardPassword: "dummy-dashboard" } as Record<string, string>;

function rendered(addressing: Addressing): KongConfig {
  return parse(render(renderKongConfig(addressing), (n) => DUMMY[n] ?? `unexpected-${n}`)) as KongConfig;
}

/** Kong's traditional_compatible router on plain prefix paths: the longest matching prefix wins. */
function routeFor(config: KongConfig, path: string): { service: Service; route: Route } {
  const candidates = config.services.flatMap((service) =>
    service.routes.flatMap((route) => route.paths.filter((p) => path.startsWith(p)).map((p) => ({ service, route, length: p.length }))),
  );
  const best = candidates.sort((a, b) => b.length - a.length)[0];
  if (!best) throw new Error(`no route for ${path}`);
  return best;
}

function pluginNames(service: Service): string[] {
  return (service.plugins ?? []).map((p) => p.name).sort();
}

function plugin(service: Service, name: string): Record<string, unknown> {
  const found = service.plugins?.find((p) => p.name === name);
  if (!found) throw new Error(`${service.name} has no ${name} plugin`);
  return found.config ?? {};
}

function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
  return [];
}

const specs = planServices(parseConfig({ platform: "docker" }, "dev"), composeDns);
const kongSpec = specs.find((s) => s.name === "kong")!;
const realtimeSpec = specs.find((s) => s.name === "realtime")!;
const enabledPlugins = String(kongSpec.env.KONG_PLUGINS).split(",");

describe.each([
  { label: "kubernetes", addressing: clusterDns("supabase") },
  { label: "docker", addressing: composeDns },
])("kong.yml rendered for $label", ({ addressing }) => {
  const config = rendered(addressing);

  it("is decK 3.0 nested form: no _comment, credentials and ACLs inside their consumers", () => {
    expect(config._format_version).toBe("3.0");
    expect(Object.keys(config).sort()).toEqual(["_format_version", "consumers", "plugins", "services"]);
    expect(keysDeep(config)).not.toContain("_comment");
    const names = [...config.services.map((s) => `service:${s.name}`), ...config.services.flatMap((s) => s.routes.map((r) => `route:${r.name}`))];
    expect(new Set(names).size).toBe(names.length);
    for (const service of config.services) {
      expect(service.routes.length, service.name).toBeGreaterThan(0);
      for (const route of service.routes) {
        expect(route.strip_path, route.name).toBe(true);
        for (const path of route.paths) expect(path, `${route.name}: plain prefix paths only`).toMatch(/^\/[^~]*$/);
      }
      for (const p of service.plugins ?? []) expect(enabledPlugins, `${service.name} uses ${p.name}`).toContain(p.name);
    }
    for (const p of config.plugins) expect(enabledPlugins).toContain(p.name);
  });

  it("routes every upstream to a planned service's address and port", () => {
    for (const service of config.services) {
      const url = new URL(service.url);
      const target = specs.find((s) => addressing.address(s.host) === url.hostname);
      expect(target, service.url).toBeDefined();
      expect(target?.ports.map((p) => String(p.port)), service.url).toContain(url.port);
    }
  });

  it("targets Realtime at a host whose first label is its seeded tenant", () => {
    const ws = routeFor(config, "/realtime/v1/websocket").service;
    expect(new URL(ws.url).hostname.split(".")[0]).toBe(realtimeSpec.env.SELF_HOST_TENANT_NAME);
    for (const path of ["/realtime/v1/api/broadcast", "/realtime/v1/api/tenants/x"]) {
      expect(new URL(routeFor(config, path).service.url).hostname.split(".")[0]).toBe(realtimeSpec.env.SELF_HOST_TENANT_NAME);
    }
  });

  it("leaves the open auth endpoints to cors alone", () => {
    for (const [path, upstreamPath] of [
      ["/auth/v1/verify", "/verify"],
      ["/auth/v1/callback", "/callback"],
      ["/auth/v1/authorize", "/authorize"],
      ["/auth/v1/.well-known/jwks.json", "/.well-known/jwks.json"],
    ] as const) {
      const { service } = routeFor(config, path);
      expect(new URL(service.url).pathname, path).toBe(upstreamPath);
      expect(pluginNames(service), path).toEqual([]);
    }
    expect(config.plugins.map((p) => p.name)).toContain("cors");
  });

  it("guards auth, rest and graphql with key-auth, the anon/admin ACL and Authorization from the apikey", () => {
    for (const path of ["/auth/v1/token", "/rest/v1/todos", "/graphql/v1", "/realtime/v1/api/broadcast"]) {
      const { service } = routeFor(config, path);
      expect(pluginNames(service), path).toEqual(["acl", "key-auth", "request-transformer"]);
      expect(plugin(service, "acl"), path).toMatchObject({ allow: ["admin", "anon"], hide_groups_header: true });
      expect(plugin(service, "key-auth"), path).toMatchObject({ key_names: ["apikey"] });
      const added = (plugin(service, "request-transformer") as { add: { headers: string[] } }).add.headers;
      expect(added, path).toContain("Authorization: Bearer $(headers.apikey or query_params.apikey)");
      expect(plugin(service, "request-transformer"), path).not.toHaveProperty("replace");
    }
    const graphql = routeFor(config, "/graphql/v1").service;
    expect(new URL(graphql.url).pathname).toBe("/rpc/graphql");
    expect((plugin(graphql, "request-transformer") as { add: { headers: string[] } }).add.headers).toContain("Content-Profile: graphql_public");
    expect(new URL(routeFor(config, "/rest/v1/todos").service.url).port).toBe("3000");
  });

  it("proxies the Realtime websocket over ws with the apikey from the query and timeouts far above the heartbeat", () => {
    const { service, route } = routeFor(config, "/realtime/v1/websocket");
    expect(route.paths).toEqual(["/realtime/v1/"]);
    expect(new URL(service.url).protocol).toBe("ws:");
    expect(new URL(service.url).pathname).toBe("/socket");
    expect(service.read_timeout).toBeGreaterThan(25_000);
    expect(service.write_timeout).toBeGreaterThan(25_000);
    expect(pluginNames(service)).toEqual(["acl", "key-auth"]);
    expect(plugin(service, "key-auth")).toMatchObject({ key_names: ["apikey"], key_in_query: true });
    expect(plugin(service, "acl")).toMatchObject({ allow: ["admin", "anon"] });
  });

  it("answers 403 on tenant management and the OpenAPI document, ahead of the Realtime API route", () => {
    for (const path of ["/realtime/v1/api/tenants", "/realtime/v1/api/tenants/realtime-dev/reload", "/realtime/v1/api/openapi"]) {
      const { service } = routeFor(config, path);
      expect(pluginNames(service), path).toEqual(["request-termination"]);
      expect(plugin(service, "request-termination"), path).toMatchObject({ status_code: 403 });
    }
    const api = routeFor(config, "/realtime/v1/api/broadcast").service;
    expect(new URL(api.url).pathname).toBe("/api");
  });

  it("declares the anon and service_role consumers with their groups, and the dashboard with basic-auth", () => {
    const consumer = (name: string): Consumer => config.consumers.find((c) => c.username === name)!;
    expect(consumer("anon")).toEqual({ username: "anon", keyauth_credentials: [{ key: DUMMY.anonKey }], acls: [{ group: "anon" }] });
    expect(consumer("service_role")).toEqual({
      username: "service_role",
      keyauth_credentials: [{ key: DUMMY.serviceRoleKey }],
      acls: [{ group: "admin" }],
    });
    expect(consumer("DASHBOARD").basicauth_credentials).toEqual([{ username: "supabase", password: DUMMY.dashboardPassword }]);
  });

  it("enables every Prometheus metric family globally", () => {
    const prometheus = config.plugins.find((p) => p.name === "prometheus");
    expect(prometheus?.config).toEqual({ status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true });
  });
});

describe("renderKongConfig", () => {
  it("keeps the credentials as secret references", () => {
    const template = renderKongConfig(composeDns);
    expect(secretsOf(template)).toEqual(["anonKey", "serviceRoleKey", "dashboardPassword"]);
    for (const part of template) if (typeof part === "string") expect(part).not.toContain("{{");
  });

  it("puts Realtime's tenant first in its upstream host for any namespace", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/), (namespace) => {
        const ws = routeFor(rendered(clusterDns(namespace)), "/realtime/v1/websocket").service;
        expect(new URL(ws.url).hostname).toBe(`${realtimeSpec.host}.${namespace}.svc.cluster.local`);
      }),
    );
  });

  it("throws on an unknown placeholder", () => {
    const source = readRepoFile(KONG_CONFIG_PATH);
    expect(() => renderKongConfig(composeDns, `${source}\n# {{upstream:storage}}\n`)).toThrow(/unknown placeholder '\{\{upstream:storage\}\}'/);
    expect(() => renderKongConfig(composeDns, "url: http://{{host:auth}}/")).toThrow(/unknown placeholder '\{\{host:auth\}\}'/);
    expect(() => renderKongConfig(composeDns, "key: {{secret:nope}}")).toThrow(/unknown secret placeholder '\{\{secret:nope\}\}'/);
    expect(() => renderKongConfig(composeDns, "key: {{ }}")).toThrow(/unknown placeholder/);
  });
});
