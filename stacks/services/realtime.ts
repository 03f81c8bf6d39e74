import type { StackConfig } from "../config.js";
import type { Addressing, ClusterSpec, EnvValue, ServiceSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { DATABASE_NAME } from "./database-url.js";
import { ENDPOINTS, REALTIME_TENANT } from "./endpoints.js";
import { healthSpec, httpProbe } from "./health.js";
import { serviceBasics } from "./service-basics.js";

/** Erlang node basename; every replica runs as `<APP_NAME>@<pod IP>`, the name libcluster's DNS strategy dials. */
const APP_NAME = "realtime";

/**
 * How replicas find each other: the release's env.sh names the node after `POD_IP`, and libcluster's DNSPoll
 * strategy resolves the headless peers service to the other replicas' IPs.
 */
const CLUSTER: ClusterSpec = { peersHost: "realtime-peers", podIpEnv: "POD_IP" };

/** Realtime with the self-hosted tenant seeded on boot, tenant limits from config, clustered when scaled out. */
export function planRealtime(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = ENDPOINTS.realtime;
  const limits = config.realtime;
  const clustered = config.replicas.realtime > 1;
  return {
    ...serviceBasics("realtime", config),
    host,
    kind: "stateless",
    env: {
      PORT: String(port),
      DB_HOST: addressing.address(ENDPOINTS.postgres.host),
      DB_PORT: String(ENDPOINTS.postgres.port),
      DB_NAME: DATABASE_NAME,
      DB_USER: "supabase_admin",
      DB_PASSWORD: tpl`${ref("postgresPassword")}`,
      DB_AFTER_CONNECT_QUERY: "SET search_path TO _realtime",
      DB_ENC_KEY: tpl`${ref("realtimeDbEncKey")}`,
      API_JWT_SECRET: tpl`${ref("jwtSecret")}`,
      SECRET_KEY_BASE: tpl`${ref("realtimeSecretKeyBase")}`,
      METRICS_JWT_SECRET: tpl`${ref("metricsJwtSecret")}`,
      APP_NAME,
      RELEASE_COOKIE: tpl`${ref("realtimeErlangCookie")}`,
      SEED_SELF_HOST: "true",
      SELF_HOST_TENANT_NAME: REALTIME_TENANT,
      RUN_JANITOR: "true",
      DISABLE_HEALTHCHECK_LOGGING: "true",
      ERL_AFLAGS: "-proto_dist inet_tcp",
      RLIMIT_NOFILE: String(limits.rlimitNofile),
      TENANT_MAX_CONCURRENT_USERS: String(limits.maxConcurrentUsers),
      TENANT_MAX_EVENTS_PER_SECOND: String(limits.maxEventsPerSecond),
      TENANT_MAX_JOINS_PER_SECOND: String(limits.maxJoinsPerSecond),
      TENANT_MAX_CHANNELS_PER_CLIENT: String(limits.maxChannelsPerClient),
      TENANT_MAX_BYTES_PER_SECOND: String(limits.maxBytesPerSecond),
      ...clusterEnv(clustered, addressing),
    },
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/healthcheck", "http"), liveness: httpProbe("/healthcheck", "http") }),
    replicas: config.replicas.realtime,
    volumes: [],
    files: [],
    dependsOn: ["postgres"],
    metrics: { port: "http", path: "/metrics", bearerToken: "realtimeMetricsToken" },
    security: { readOnlyRootFilesystem: false, nofile: limits.rlimitNofile },
    ...(clustered && { cluster: CLUSTER }),
  };
}

/** A single replica polls no peers (compose's `''`); replicas poll the headless peers service. */
function clusterEnv(clustered: boolean, addressing: Addressing): Record<string, EnvValue> {
  if (!clustered) return { DNS_NODES: "''" };
  return { CLUSTER_STRATEGIES: "DNS", DNS_NODES: addressing.address(CLUSTER.peersHost) };
}
