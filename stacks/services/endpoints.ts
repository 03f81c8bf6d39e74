/** Realtime's self-hosted tenant id; Realtime reads the tenant from the first label of the Host header. */
export const REALTIME_TENANT = "realtime-dev";

/** The host label and main port of every service: the single source for specs, database URLs and gateway upstreams. */
export const ENDPOINTS = {
  postgres: { host: "db", port: 5432 },
  redis: { host: "redis", port: 6379 },
  auth: { host: "auth", port: 9999 },
  rest: { host: "rest", port: 3000 },
  realtime: { host: REALTIME_TENANT, port: 4000 },
  kong: { host: "kong", port: 8000 },
} as const;
