import type { ServiceName } from "../config.js";

/** Modules of monitoring/prometheus/exporters/blackbox.yml: the status a probe must get back. */
export const BLACKBOX_MODULES = ["http_2xx", "http_401", "http_403"] as const;
export type BlackboxModule = (typeof BLACKBOX_MODULES)[number];

/** One request a client could make through the gateway, with the answer that proves the route works. */
export interface GatewayProbe {
  /** Probe name, the `probe` label of its series. */
  readonly name: string;
  /** Service behind the route, the `service` label of its series and alerts. */
  readonly service: ServiceName;
  /** Path on the gateway. */
  readonly path: string;
  /** Expected answer. */
  readonly module: BlackboxModule;
}

/**
 * Probes of the public routes. The blackbox exporter holds no API key, so keyed routes must answer 401 (Kong routes
 * them and key-auth holds) and the tenant API 403 (it stays closed); the JWKS route is open and reaches GoTrue.
 */
export const GATEWAY_PROBES: readonly GatewayProbe[] = [
  { name: "auth-jwks", service: "auth", path: "/auth/v1/.well-known/jwks.json", module: "http_2xx" },
  { name: "rest-keyauth", service: "rest", path: "/rest/v1/", module: "http_401" },
  { name: "graphql-keyauth", service: "rest", path: "/graphql/v1", module: "http_401" },
  { name: "realtime-tenants-closed", service: "realtime", path: "/realtime/v1/api/tenants", module: "http_403" },
];
