import type { StackConfig } from "../config.js";
import type { Addressing, ServiceSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { databaseUrl } from "./database-url.js";
import { ENDPOINTS } from "./endpoints.js";
import { healthSpec, httpProbe } from "./health.js";
import { serviceBasics } from "./service-basics.js";

/** PostgREST's admin server: /live, /ready and /metrics, unauthenticated, so internal only. */
const REST_ADMIN_PORT = 3001;

/** PostgREST as the authenticator role, verifying JWTs with the project secret. */
export function planRest(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = ENDPOINTS.rest;
  return {
    ...serviceBasics("rest", config),
    host,
    kind: "stateless",
    env: {
      PGRST_DB_URI: databaseUrl("authenticator", "authenticatorPassword", addressing),
      PGRST_DB_SCHEMAS: "public,storage,graphql_public",
      PGRST_DB_EXTRA_SEARCH_PATH: "public",
      PGRST_DB_MAX_ROWS: "1000",
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_JWT_SECRET: tpl`${ref("jwtSecret")}`,
      PGRST_DB_USE_LEGACY_GUCS: "false",
      PGRST_APP_SETTINGS_JWT_SECRET: tpl`${ref("jwtSecret")}`,
      PGRST_APP_SETTINGS_JWT_EXP: String(config.auth.jwtExpiry),
      PGRST_SERVER_PORT: String(port),
      PGRST_ADMIN_SERVER_PORT: String(REST_ADMIN_PORT),
    },
    ports: [
      { name: "http", port },
      { name: "admin", port: REST_ADMIN_PORT },
    ],
    health: healthSpec({ readiness: httpProbe("/ready", "admin"), liveness: httpProbe("/live", "admin") }),
    replicas: config.replicas.rest,
    volumes: [],
    files: [],
    dependsOn: ["postgres"],
    metrics: { port: "admin", path: "/metrics" },
    security: { readOnlyRootFilesystem: true },
  };
}
