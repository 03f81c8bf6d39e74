import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type StackConfig } from "../../stacks/config.js";
import type { Addressing, EnvValue, Probe, ServiceSpec } from "../../stacks/model.js";
import { SECRET_NAMES } from "../../stacks/secret-names.js";
import { planServices } from "../../stacks/services/index.js";
import { redisConf } from "../../stacks/services/redis.js";
import { holdsSecret, render, secretsOf } from "../../stacks/template.js";
import { KUBERNETES_BACKUP } from "../support/backup-fixture.js";

const secretKeys = (extra: Record<string, unknown>) => new Set(extra.smtp ? (["smtpPassword"] as const) : []);
const kubernetes = (extra: Record<string, unknown> = {}): StackConfig =>
  parseConfig({ platform: "kubernetes", publicUrl: "https://api.example.com", ingress: { tlsIssuer: "letsencrypt" }, backup: KUBERNETES_BACKUP, ...extra }, "staging", secretKeys(extra));
const docker = (extra: Record<string, unknown> = {}): StackConfig => parseConfig({ platform: "docker", ...extra }, "dev", secretKeys(extra));
const clusterDns: Addressing = { address: (host) => `${host}.supabase.svc.cluster.local` };
const composeDns: Addressing = { address: (host) => host };

const CASES = [
  { label: "kubernetes", config: kubernetes(), addressing: clusterDns },
  { label: "docker", config: docker(), addressing: composeDns },
  {
    label: "kubernetes, scaled out with SMTP",
    config: kubernetes({
      replicas: { kong: 2, auth: 2, rest: 3, realtime: 3 },
      smtp: { host: "smtp.example.com", user: "mailer", adminEmail: "admin@example.com" },
    }),
    addressing: clusterDns,
  },
] as const;

/** Names of env vars that carry a credential and must therefore be delivered as a secret. */
const SECRET_ENV_NAME = /PASSWORD|_PASS$|SECRET|_KEY$|KEY_BASE|_URI$|_URL$/;
/** Env vars matching the pattern above that hold public URLs. */
const PUBLIC_URL_ENV = new Set(["API_EXTERNAL_URL", "GOTRUE_SITE_URL"]);
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}/;
const RANDOM_TOKEN = /^[A-Za-z0-9+/=_-]{32,}$/;

function byName(specs: readonly ServiceSpec[], name: ServiceSpec["name"]): ServiceSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`no spec named ${name}`);
  return spec;
}

function plainText(spec: ServiceSpec): string[] {
  const envLiterals = Object.values(spec.env).flatMap((v: EnvValue) => (typeof v === "string" ? [v] : v.filter((p) => typeof p === "string")));
  const fileLiterals = spec.files.flatMap((f) => f.content.filter((p): p is string => typeof p === "string"));
  return [...envLiterals, ...fileLiterals, ...(spec.args ?? []), ...(spec.command ?? [])];
}

function probePort(probe: Probe): string | undefined {
  if ("http" in probe) return probe.http.port;
  if ("tcp" in probe) return probe.tcp.port;
  return undefined;
}

describe.each(CASES)("planServices ($label)", ({ config, addressing }) => {
  const specs = planServices(config, addressing);

  it("plans the six services in dependency order, each depending only on earlier ones", () => {
    expect(specs.map((s) => s.name)).toEqual(["postgres", "redis", "auth", "rest", "realtime", "kong"]);
    expect(specs.map((s) => s.host)).toEqual(["db", "redis", "auth", "rest", "realtime-dev", "kong"]);
    specs.forEach((spec, i) => {
      const earlier = specs.slice(0, i).map((s) => s.name);
      for (const dep of spec.dependsOn) expect(earlier, `${spec.name} depends on ${dep}`).toContain(dep);
    });
    expect(byName(specs, "kong").dependsOn).toEqual(["auth", "rest", "realtime"]);
  });

  it("pins every image, sets resources, replicas and log labels from config", () => {
    for (const spec of specs) {
      expect(spec.image, spec.name).toMatch(/^[a-z0-9./-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/);
      expect(spec.image, spec.name).not.toMatch(/:latest$/);
      expect(spec.resources).toEqual(config.resources[spec.name]);
      expect(spec.logLabels).toEqual({ service: spec.name, env: config.env });
      if (spec.kind === "stateful") expect(spec.replicas).toBe(1);
      else expect(spec.replicas).toBe(config.replicas[spec.name as keyof StackConfig["replicas"]]);
    }
  });

  it("gives every service probes, metrics and ports that name its own ports", () => {
    for (const spec of specs) {
      const portNames = spec.ports.map((p) => p.name);
      expect(new Set(portNames).size, spec.name).toBe(portNames.length);
      for (const p of spec.ports) expect(p.name.length, `${spec.name}:${p.name}`).toBeLessThanOrEqual(15);
      for (const probe of [spec.health.liveness, spec.health.readiness]) {
        const port = probePort(probe);
        if (port !== undefined) expect(portNames, spec.name).toContain(port);
        else expect("exec" in probe && probe.exec.length > 0, spec.name).toBe(true);
      }
      if (spec.metrics) expect(portNames, spec.name).toContain(spec.metrics.port);
    }
    expect(specs.filter((s) => s.ports.some((p) => p.public)).map((s) => s.name)).toEqual(["kong"]);
  });

  it("delivers every credential as a secret reference, never as a literal", () => {
    for (const spec of specs) {
      for (const [name, value] of Object.entries(spec.env)) {
        if (SECRET_ENV_NAME.test(name) && !PUBLIC_URL_ENV.has(name)) expect(holdsSecret(value), `${spec.name} ${name}`).toBe(true);
      }
      for (const text of plainText(spec)) {
        expect(text, spec.name).not.toMatch(/\{\{\s*secret:/);
        expect(text, spec.name).not.toMatch(JWT);
        expect(text, spec.name).not.toMatch(RANDOM_TOKEN);
      }
      for (const value of Object.values(spec.env)) for (const s of secretsOf(value)) expect(SECRET_NAMES).toContain(s);
    }
  });

  it("keeps secrets out of args and commands", () => {
    for (const spec of specs) {
      for (const arg of [...(spec.args ?? []), ...(spec.command ?? [])]) {
        expect(arg, spec.name).not.toMatch(/requirepass|password=|PASSWORD=/i);
      }
    }
  });
});

describe("auth", () => {
  it("exports Prometheus metrics on a port other than node_exporter's 9100", () => {
    const auth = byName(planServices(kubernetes(), clusterDns), "auth");
    const metricsPort = auth.ports.find((p) => p.name === auth.metrics?.port)?.port;
    expect(metricsPort).toBeDefined();
    expect(metricsPort).not.toBe(9100);
    expect(auth.env.OTEL_EXPORTER_PROMETHEUS_PORT).toBe(String(metricsPort));
    expect(auth.env.GOTRUE_METRICS_EXPORTER).toBe("prometheus");
    expect(auth.metrics?.path).toBe("/metrics");
  });

  it("connects as supabase_auth_admin to the database address of the platform", () => {
    const auth = byName(planServices(kubernetes(), clusterDns), "auth");
    expect(render(auth.env.GOTRUE_DB_DATABASE_URL!, (n) => `<${n}>`)).toBe(
      "postgres://supabase_auth_admin:<authAdminPassword>@db.supabase.svc.cluster.local:5432/postgres",
    );
    expect(auth.env.API_EXTERNAL_URL).toBe("https://api.example.com");
  });

  it("sets SMTP, with the password as a secret, only when SMTP is configured", () => {
    const without = byName(planServices(docker(), composeDns), "auth");
    expect(Object.keys(without.env).filter((k) => k.startsWith("GOTRUE_SMTP_"))).toEqual([]);
    const smtp = { host: "smtp.example.com", port: 2525, user: "mailer", adminEmail: "admin@example.com" };
    const withSmtp = byName(planServices(docker({ smtp }), composeDns), "auth");
    expect(secretsOf(withSmtp.env.GOTRUE_SMTP_PASS!)).toEqual(["smtpPassword"]);
    expect(withSmtp.env.GOTRUE_SMTP_PORT).toBe("2525");
  });

  it("follows the sign-up policy and redirect list from config", () => {
    const config = docker({
      additionalRedirectUrls: ["https://a.example.com", "https://b.example.com/cb"],
      auth: { disableSignup: true, mailerAutoconfirm: true, enableAnonymousUsers: true },
    });
    const env = byName(planServices(config, composeDns), "auth").env;
    expect(env.GOTRUE_URI_ALLOW_LIST).toBe("https://a.example.com,https://b.example.com/cb");
    expect(env.GOTRUE_DISABLE_SIGNUP).toBe("true");
    expect(env.GOTRUE_MAILER_AUTOCONFIRM).toBe("true");
    expect(env.GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED).toBe("true");
    expect(env.GOTRUE_MAILER_URLPATHS_CONFIRMATION).toBe("/auth/v1/verify");
  });
});

describe("rest", () => {
  it("probes and scrapes the admin server", () => {
    const rest = byName(planServices(kubernetes(), clusterDns), "rest");
    expect(rest.health.liveness).toEqual({ http: { path: "/live", port: "admin" } });
    expect(rest.health.readiness).toEqual({ http: { path: "/ready", port: "admin" } });
    expect(rest.metrics).toEqual({ port: "admin", path: "/metrics" });
    expect(rest.ports.find((p) => p.name === "admin")?.port).toBe(Number(rest.env.PGRST_ADMIN_SERVER_PORT));
    expect(secretsOf(rest.env.PGRST_DB_URI!)).toEqual(["authenticatorPassword"]);
    expect(secretsOf(rest.env.PGRST_APP_SETTINGS_JWT_SECRET!)).toEqual(["jwtSecret"]);
    expect(rest.env.PGRST_DB_USE_LEGACY_GUCS).toBe("false");
  });
});

describe("realtime", () => {
  const limitsArb = fc.record({
    maxConcurrentUsers: fc.integer({ min: 1, max: 1_000_000 }),
    maxEventsPerSecond: fc.integer({ min: 1, max: 10_000_000 }),
    maxJoinsPerSecond: fc.integer({ min: 1, max: 100_000 }),
    maxChannelsPerClient: fc.integer({ min: 1, max: 10_000 }),
    maxBytesPerSecond: fc.integer({ min: 1, max: 1_000_000_000 }),
    rlimitNofile: fc.integer({ min: 1024, max: 1_048_576 }),
  });

  it("passes the tenant limits and the file-descriptor limit from config", () => {
    fc.assert(
      fc.property(limitsArb, (realtime) => {
        const spec = byName(planServices(kubernetes({ realtime }), clusterDns), "realtime");
        expect(spec.env.TENANT_MAX_CONCURRENT_USERS).toBe(String(realtime.maxConcurrentUsers));
        expect(spec.env.TENANT_MAX_EVENTS_PER_SECOND).toBe(String(realtime.maxEventsPerSecond));
        expect(spec.env.TENANT_MAX_JOINS_PER_SECOND).toBe(String(realtime.maxJoinsPerSecond));
        expect(spec.env.TENANT_MAX_CHANNELS_PER_CLIENT).toBe(String(realtime.maxChannelsPerClient));
        expect(spec.env.TENANT_MAX_BYTES_PER_SECOND).toBe(String(realtime.maxBytesPerSecond));
        expect(spec.env.RLIMIT_NOFILE).toBe(String(realtime.rlimitNofile));
        expect(spec.security.nofile).toBe(realtime.rlimitNofile);
      }),
    );
  });

  it("forms a cluster over the headless peers service exactly when it runs more than one replica", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (replicas) => {
        const spec = byName(planServices(kubernetes({ replicas: { realtime: replicas } }), clusterDns), "realtime");
        expect(spec.replicas).toBe(replicas);
        if (replicas === 1) {
          expect(spec.cluster).toBeUndefined();
          expect(spec.env.CLUSTER_STRATEGIES).toBeUndefined();
          return;
        }
        expect(spec.cluster).toEqual({ peersHost: "realtime-peers", podIpEnv: "POD_IP" });
        expect(spec.env.CLUSTER_STRATEGIES).toBe("DNS");
        expect(spec.env.DNS_NODES).toBe("realtime-peers.supabase.svc.cluster.local");
        expect(spec.env).not.toHaveProperty("POD_IP");
        expect(spec.env.APP_NAME).toBe("realtime");
      }),
    );
  });

  it("seeds its self-hosted tenant under the name of its own host label", () => {
    const spec = byName(planServices(docker(), composeDns), "realtime");
    expect(spec.env.SELF_HOST_TENANT_NAME).toBe(spec.host);
    expect(spec.env.SEED_SELF_HOST).toBe("true");
  });

  it("checks health without credentials and sends the metrics token to Prometheus", () => {
    const spec = byName(planServices(docker(), composeDns), "realtime");
    expect(spec.health.liveness).toEqual({ http: { path: "/healthcheck", port: "http" } });
    expect(spec.metrics).toEqual({ port: "http", path: "/metrics", bearerToken: "realtimeMetricsToken" });
    expect(secretsOf(spec.env.METRICS_JWT_SECRET!)).toEqual(["metricsJwtSecret"]);
    expect(secretsOf(spec.env.DB_ENC_KEY!)).toEqual(["realtimeDbEncKey"]);
    expect(secretsOf(spec.env.SECRET_KEY_BASE!)).toEqual(["realtimeSecretKeyBase"]);
  });
});

describe("redis", () => {
  const policies = ["noeviction", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"];

  it("writes redis.conf with AOF, the password as a reference and the memory policy from config", () => {
    fc.assert(
      fc.property(fc.constantFrom(...policies), fc.integer({ min: 1, max: 4096 }), (policy, mb) => {
        const config = docker({ redis: { maxmemory: `${mb}mb`, maxmemoryPolicy: policy } });
        const conf = redisConf(config);
        expect(secretsOf(conf)).toEqual(["redisPassword"]);
        const text = render(conf, (n) => `<${n}>`);
        expect(text).toMatch(/^appendonly yes$/m);
        expect(text).toMatch(/^requirepass <redisPassword>$/m);
        expect(text).toMatch(new RegExp(`^maxmemory-policy ${policy}$`, "m"));
        expect(text).toMatch(new RegExp(`^maxmemory ${mb}mb$`, "m"));
        expect(text).toMatch(/^save \d+ \d+/m);
        expect(text).toMatch(/^dir \/data$/m);
      }),
    );
  });

  it("mounts its config file and probes with the password from a secret env", () => {
    const spec = byName(planServices(kubernetes(), clusterDns), "redis");
    const conf = spec.files.find((f) => f.name === "redis.conf");
    expect(spec.args).toEqual(["redis-server", conf?.mountPath]);
    expect(secretsOf(spec.env.REDIS_PASSWORD!)).toEqual(["redisPassword"]);
    expect(spec.health.liveness).toEqual({ exec: ["sh", "-c", expect.stringContaining('REDISCLI_AUTH="$REDIS_PASSWORD"')] });
    expect(spec.volumes).toEqual([{ name: "data", mountPath: "/data", size: "2Gi" }]);
  });
});

describe("postgres", () => {
  const rolesSql = readFileSync(new URL("../../sql/init/99-roles.sql", import.meta.url), "utf8");

  it("runs one stateful replica with data and pgsodium volumes from config, and a socket directory shared with the pgBackRest server", () => {
    const config = kubernetes({ storage: { postgres: { size: "50Gi", storageClass: "fast" }, pgsodium: { size: "1Gi" } } });
    const spec = byName(planServices(config, clusterDns), "postgres");
    expect(spec.kind).toBe("stateful");
    expect(spec.replicas).toBe(1);
    expect(spec.volumes).toEqual([
      { name: "data", mountPath: "/var/lib/postgresql", size: "50Gi", storageClass: "fast" },
      { name: "pgsodium", mountPath: "/etc/postgresql-custom", size: "1Gi", seedFromImage: true },
      { name: "socket", mountPath: "/var/run/postgresql", size: "16Mi", ephemeral: true },
    ]);
    expect(byName(planServices(kubernetes({ backup: { enabled: false } }), clusterDns), "postgres").volumes.map((v) => v.name)).toEqual(["data", "pgsodium"]);
    expect(String(spec.env.PGDATA).startsWith(`${spec.volumes[0]?.mountPath}/`)).toBe(true);
    expect(spec.args?.slice(0, 3)).toEqual(["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"]);
    expect(spec.health.readiness).toEqual({ exec: expect.arrayContaining(["pg_isready"]) });
  });

  it("mounts 99-roles.sql from the repository and hands it the role passwords as secret env", () => {
    const spec = byName(planServices(docker(), composeDns), "postgres");
    const file = spec.files.find((f) => f.name === "99-roles.sql");
    expect(file?.mountPath).toBe("/docker-entrypoint-initdb.d/init-scripts/99-roles.sql");
    expect(file?.content).toEqual([rolesSql]);
    expect(secretsOf(spec.env.AUTHENTICATOR_PASSWORD!)).toEqual(["authenticatorPassword"]);
    expect(secretsOf(spec.env.SUPABASE_AUTH_ADMIN_PASSWORD!)).toEqual(["authAdminPassword"]);
    expect(secretsOf(spec.env.POSTGRES_PASSWORD!)).toEqual(["postgresPassword"]);
  });

  it("99-roles.sql reads every password from the environment and holds no literal one", () => {
    expect(rolesSql).toMatch(/\\set authenticator_password `printf '%s' "\$AUTHENTICATOR_PASSWORD"`/);
    expect(rolesSql).toMatch(/\\set auth_admin_password `printf '%s' "\$SUPABASE_AUTH_ADMIN_PASSWORD"`/);
    expect(rolesSql).toMatch(/ALTER ROLE authenticator WITH PASSWORD :'authenticator_password';/);
    expect(rolesSql).toMatch(/ALTER ROLE supabase_auth_admin WITH PASSWORD :'auth_admin_password';/);
    const clauses = rolesSql.match(/WITH\s+PASSWORD\s+\S+/gi) ?? [];
    expect(clauses).toHaveLength(2);
    for (const clause of clauses) expect(clause).toMatch(/^WITH PASSWORD :'\w+';$/);
    expect(rolesSql).not.toMatch(/PASSWORD\s+'/i);
  });
});

describe("kong", () => {
  it("runs DB-less without an Admin API, with metrics and probes on the status listener", () => {
    const spec = byName(planServices(kubernetes(), clusterDns), "kong");
    expect(spec.env.KONG_DATABASE).toBe("off");
    expect(spec.env.KONG_ADMIN_LISTEN).toBe("off");
    expect(spec.env.KONG_ADMIN_GUI_LISTEN).toBe("off");
    expect(spec.ports.map((p) => p.port)).not.toContain(8001);
    const status = spec.ports.find((p) => p.name === "status");
    expect(spec.env.KONG_STATUS_LISTEN).toBe(`0.0.0.0:${status?.port}`);
    expect(spec.health.liveness).toEqual({ http: { path: "/status", port: "status" } });
    expect(spec.health.readiness).toEqual({ http: { path: "/status/ready", port: "status" } });
    expect(spec.metrics).toEqual({ port: "status", path: "/metrics" });
    expect(String(spec.env.KONG_PLUGINS).split(",")).toContain("prometheus");
    const file = spec.files.find((f) => f.mountPath === spec.env.KONG_DECLARATIVE_CONFIG);
    expect(file && secretsOf(file.content)).toEqual(["anonKey", "serviceRoleKey", "dashboardPassword"]);
  });

  it("sizes nginx from config and raises the open-file limit to match", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1024, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (workers, connections, headroom) => {
        const kong = { nginxWorkerProcesses: workers, nginxWorkerConnections: connections, rlimitNofile: connections + headroom };
        const spec = byName(planServices(kubernetes({ kong }), clusterDns), "kong");
        expect(spec.env.KONG_NGINX_WORKER_PROCESSES).toBe(String(workers));
        expect(spec.env.KONG_NGINX_EVENTS_WORKER_CONNECTIONS).toBe(String(connections));
        expect(spec.env.KONG_NGINX_MAIN_WORKER_RLIMIT_NOFILE).toBe(String(connections + headroom));
        expect(spec.security.nofile).toBe(connections + headroom);
      }),
    );
  });

  it("rejects an open-file limit below the worker connections", () => {
    expect(() => docker({ kong: { nginxWorkerConnections: 20000, rlimitNofile: 10000 } })).toThrow(ConfigError);
    expect(() => docker({ kong: { nginxWorkerConnections: 20000, rlimitNofile: 10000 } })).toThrow(/supabase:kong\.rlimitNofile: got 10000; expected at least kong\.nginxWorkerConnections/);
  });
});
