import type { StackConfig } from "../config.js";
import type { Addressing, ServiceSpec } from "../model.js";
import { ENDPOINTS } from "./endpoints.js";
import { healthSpec, httpProbe } from "./health.js";
import { renderKongConfig } from "./kong-config.js";
import { serviceBasics } from "./service-basics.js";

/** The status listener: /status, /status/ready and /metrics (with the prometheus plugin); never the Admin API. */
const KONG_STATUS_PORT = 8100;

const DECLARATIVE_CONFIG_PATH = "/home/kong/kong.yml";

/** Only the plugins kong.yml uses. */
const PLUGINS = ["cors", "key-auth", "acl", "basic-auth", "request-transformer", "request-termination", "prometheus"];

/** Kong in DB-less mode: the rendered kong.yml, no Admin API, nginx sized for long-lived websockets from config. */
export function planKong(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = ENDPOINTS.kong;
  const tuning = config.kong;
  return {
    ...serviceBasics("kong", config),
    host,
    kind: "stateless",
    env: {
      KONG_DATABASE: "off",
      KONG_DECLARATIVE_CONFIG: DECLARATIVE_CONFIG_PATH,
      KONG_ROUTER_FLAVOR: "traditional_compatible",
      KONG_PLUGINS: PLUGINS.join(","),
      KONG_PROXY_LISTEN: `0.0.0.0:${port} reuseport backlog=16384`,
      KONG_STATUS_LISTEN: `0.0.0.0:${KONG_STATUS_PORT}`,
      KONG_ADMIN_LISTEN: "off",
      KONG_ADMIN_GUI_LISTEN: "off",
      KONG_ANONYMOUS_REPORTS: "off",
      KONG_DNS_ORDER: "LAST,A,CNAME",
      KONG_NGINX_PROXY_PROXY_BUFFER_SIZE: "160k",
      KONG_NGINX_PROXY_PROXY_BUFFERS: "64 160k",
      KONG_NGINX_WORKER_PROCESSES: String(tuning.nginxWorkerProcesses),
      KONG_NGINX_EVENTS_WORKER_CONNECTIONS: String(tuning.nginxWorkerConnections),
      KONG_NGINX_MAIN_WORKER_RLIMIT_NOFILE: String(tuning.rlimitNofile),
    },
    ports: [
      { name: "proxy", port, public: true },
      { name: "status", port: KONG_STATUS_PORT },
    ],
    health: healthSpec({ readiness: httpProbe("/status/ready", "status"), liveness: httpProbe("/status", "status"), startPeriodSeconds: 20 }),
    replicas: config.replicas.kong,
    volumes: [],
    files: [{ name: "kong.yml", mountPath: DECLARATIVE_CONFIG_PATH, content: renderKongConfig(addressing) }],
    dependsOn: ["auth", "rest", "realtime"],
    metrics: { port: "status", path: "/metrics" },
    security: { readOnlyRootFilesystem: false, nofile: tuning.rlimitNofile },
  };
}
