import type { ServiceName } from "./config.js";

/**
 * Every image the stacks deploy, pinned to an exact version.
 * The test suite exercises PostgreSQL 15 and Redis 7.0 (Debian builds); the images below stay on those majors.
 * Monitoring configs are checked with the suite's Debian builds: Prometheus rules and every dashboard query with
 * promtool 2.42, the Alertmanager config and routes with amtool/Alertmanager 0.25 (so receiver secrets use only the
 * `*_file` fields 0.25 knows); dashboards use Grafana 12's schemaVersion 41; Loki configs target schema v13 (tsdb).
 */
export const IMAGES: Readonly<Record<ServiceName, string>> = {
  kong: "kong/kong:3.9.1",
  auth: "supabase/gotrue:v2.186.0",
  rest: "postgrest/postgrest:v14.5",
  realtime: "supabase/realtime:v2.78.15",
  postgres: "supabase/postgres:15.8.1.085",
  redis: "redis:7.4.2",
};

/** The image for a service, honouring a per-stack override. */
export function imageFor(name: ServiceName, overrides: Partial<Record<ServiceName, string>>): string {
  return overrides[name] ?? IMAGES[name];
}
