import type { ServiceName } from "../../stacks/config.js";
import type { HealthSpec, Probe, ServiceSpec } from "../../stacks/model.js";
import { ref, tpl } from "../../stacks/template.js";
import { IMAGES } from "../../stacks/versions.js";

const health = (readiness: Probe, startPeriodSeconds = 10): HealthSpec => ({
  readiness,
  liveness: readiness,
  startPeriodSeconds,
  intervalSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

const base = (name: ServiceName, overrides: Partial<ServiceSpec>): ServiceSpec => ({
  name,
  host: name,
  kind: "stateless",
  image: IMAGES[name],
  env: {},
  ports: [],
  health: health({ exec: ["true"] }),
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  replicas: 1,
  volumes: [],
  files: [],
  dependsOn: [],
  logLabels: { service: name, env: "dev" },
  security: { readOnlyRootFilesystem: false },
  ...overrides,
});

/** Six specs shaped like the planner's, exercising every renderer feature (secret env and files, probes of each kind). */
export function fixtureSpecs(): ServiceSpec[] {
  return [
    base("postgres", {
      kind: "stateful",
      env: { POSTGRES_PASSWORD: [ref("postgresPassword")], PGDATA: "/var/lib/postgresql/data/pgdata" },
      ports: [{ name: "postgres", port: 5432 }],
      health: health({ exec: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] }, 60),
      volumes: [
        { name: "data", mountPath: "/var/lib/postgresql/data", size: "10Gi" },
        { name: "pgsodium", mountPath: "/etc/postgresql-custom", size: "100Mi" },
      ],
    }),
    base("redis", {
      kind: "stateful",
      args: ["redis-server", "/usr/local/etc/redis/redis.conf"],
      ports: [{ name: "redis", port: 6379 }],
      health: health({ tcp: { port: "redis" } }),
      volumes: [{ name: "data", mountPath: "/data", size: "2Gi" }],
      files: [{ name: "redis.conf", mountPath: "/usr/local/etc/redis/redis.conf", content: tpl`maxmemory 256mb\nrequirepass ${ref("redisPassword")}\n` }],
      security: { runAsUser: 999, readOnlyRootFilesystem: true },
    }),
    base("auth", {
      env: {
        GOTRUE_DB_DATABASE_URL: tpl`postgres://supabase_auth_admin:${ref("authAdminPassword")}@postgres:5432/postgres`,
        GOTRUE_JWT_SECRET: [ref("jwtSecret")],
        GOTRUE_SITE_URL: "http://localhost:3000",
        GOTRUE_SMTP_PASS: [ref("smtpPassword")],
      },
      ports: [{ name: "http", port: 9999 }],
      health: health({ http: { path: "/health", port: "http" } }),
      dependsOn: ["postgres"],
      security: { readOnlyRootFilesystem: true },
    }),
    base("rest", {
      env: { PGRST_DB_URI: tpl`postgres://authenticator:${ref("authenticatorPassword")}@postgres:5432/postgres`, PGRST_ADMIN_SERVER_PORT: "3001" },
      ports: [
        { name: "http", port: 3000 },
        { name: "admin", port: 3001 },
      ],
      health: health({ http: { path: "/ready", port: "admin" } }),
      dependsOn: ["postgres"],
    }),
    base("realtime", {
      host: "realtime-dev",
      env: { API_JWT_SECRET: [ref("jwtSecret")], DB_ENC_KEY: [ref("realtimeDbEncKey")], RLIMIT_NOFILE: "100000", SECRET_KEY_BASE: [ref("realtimeSecretKeyBase")] },
      ports: [{ name: "http", port: 4000 }],
      health: health({ http: { path: "/api/ping", port: "http" } }),
      dependsOn: ["postgres"],
      security: { readOnlyRootFilesystem: false, nofile: 100000 },
    }),
    base("kong", {
      env: { KONG_DATABASE: "off", KONG_DECLARATIVE_CONFIG: "/home/kong/kong.yml", KONG_STATUS_LISTEN: "0.0.0.0:8100", KONG_NGINX_PROXY_SET: "$upstream_host" },
      ports: [
        { name: "proxy", port: 8000, public: true },
        { name: "status", port: 8100 },
      ],
      health: health({ http: { path: "/status/ready", port: "status" } }),
      files: [
        {
          name: "kong.yml",
          mountPath: "/home/kong/kong.yml",
          content: tpl`consumers:\n  - username: anon\n    keyauth_credentials:\n      - key: ${ref("anonKey")}\n  - username: service_role\n    keyauth_credentials:\n      - key: ${ref("serviceRoleKey")}\n`,
        },
        { name: "nginx-tuning.conf", mountPath: "/home/kong/nginx-tuning.conf", content: ["worker_connections 4096;\n"] },
      ],
      dependsOn: ["auth", "rest", "realtime"],
      security: { runAsUser: 1000, readOnlyRootFilesystem: false, nofile: 65536 },
    }),
  ];
}
