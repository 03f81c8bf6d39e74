import type { StackConfig } from "../../config.js";
import type { Addressing, ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { databaseUrl } from "../database-url.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoFile } from "../repo-file.js";
import { serviceBasics } from "../service-basics.js";
import { NOBODY } from "./prometheus.js";

/** The pg_monitor member sql/bootstrap/70-monitoring-role.sql creates; the bootstrap task sets its password. */
const MONITOR_ROLE = "supabase_monitor";
const QUERIES_PATH = "/etc/postgres-exporter/queries.yml";

/**
 * postgres_exporter as the pg_monitor role, with the custom queries of monitoring/prometheus/exporters. The URL (it
 * holds the password) is a secret env value; the database serves no TLS on the stack's network.
 */
export function planPostgresExporter(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.postgres;
  return {
    ...serviceBasics("postgres-exporter", config),
    host,
    kind: "stateless",
    args: [`--extend.query-path=${QUERIES_PATH}`],
    env: { DATA_SOURCE_NAME: [...databaseUrl(MONITOR_ROLE, "monitorPassword", addressing), "?sslmode=disable"] },
    ports: [{ name: "metrics", port }],
    health: healthSpec({ readiness: httpProbe("/", "metrics"), liveness: httpProbe("/", "metrics") }),
    replicas: 1,
    volumes: [],
    files: [repoFile("monitoring/prometheus/exporters/postgres-queries.yml", QUERIES_PATH)],
    dependsOn: ["postgres"],
    security: { runAsUser: NOBODY, readOnlyRootFilesystem: true },
  };
}
