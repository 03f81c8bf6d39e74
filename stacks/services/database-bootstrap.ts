import type { ComponentName, StackConfig } from "../config.js";
import type { Addressing, TaskSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { imageFor } from "../versions.js";
import { DATABASE_NAME } from "./database-url.js";
import { ENDPOINTS } from "./endpoints.js";
import { POSTGRES_UID } from "./postgres.js";
import { repoDirectoryFiles } from "./repo-file.js";

const SOURCE_DIR = "sql/bootstrap";
const MOUNT_DIR = "/bootstrap";

/** CPU and memory of one psql run. */
const RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/**
 * Re-applies sql/bootstrap/ (roles, schemas, grants, publication, role passwords) with the image's psql, in one
 * transaction, whenever its SQL or a password changes: a password changed in config reaches its role before the
 * services that log in with it start (the monitoring role's exporter among them). Passwords travel as session
 * settings in PGOPTIONS, a secret env value.
 */
export function planDatabaseBootstrap(config: StackConfig, addressing: Addressing): TaskSpec {
  const files = repoDirectoryFiles(SOURCE_DIR, MOUNT_DIR, ".sql");
  const before: ComponentName[] = ["auth", "rest", "realtime", ...(config.monitoring.enabled ? (["postgres-exporter"] as const) : [])];
  return {
    name: "db-bootstrap",
    image: imageFor("postgres", config.images),
    command: ["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", ...files.flatMap((f) => ["-f", f.mountPath])],
    env: {
      PGHOST: addressing.address(ENDPOINTS.postgres.host),
      PGPORT: String(ENDPOINTS.postgres.port),
      PGDATABASE: DATABASE_NAME,
      PGUSER: "supabase_admin",
      PGAPPNAME: "db-bootstrap",
      PGCONNECT_TIMEOUT: "10",
      PGPASSWORD: tpl`${ref("postgresPassword")}`,
      PGOPTIONS: tpl`-c bootstrap.authenticator_password=${ref("authenticatorPassword")} -c bootstrap.supabase_auth_admin_password=${ref("authAdminPassword")} -c bootstrap.supabase_admin_password=${ref("postgresPassword")} -c bootstrap.supabase_monitor_password=${ref("monitorPassword")}`,
    },
    resources: RESOURCES,
    files,
    logLabels: { service: "db-bootstrap", env: config.env },
    security: { runAsUser: POSTGRES_UID, readOnlyRootFilesystem: true },
    after: "postgres",
    before,
    timeoutSeconds: 300,
  };
}
