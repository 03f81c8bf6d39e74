import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { StackConfig } from "../config.js";
import type { Addressing, FileSpec, TaskSpec } from "../model.js";
import { REPO_ROOT } from "../stack-files.js";
import { ref, tpl } from "../template.js";
import { imageFor } from "../versions.js";
import { DATABASE_NAME } from "./database-url.js";
import { ENDPOINTS } from "./endpoints.js";
import { POSTGRES_UID } from "./postgres.js";
import { readRepoFile } from "./repo-file.js";

const SOURCE_DIR = "sql/bootstrap";
const MOUNT_DIR = "/bootstrap";

/** CPU and memory of one psql run. */
const RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/**
 * Re-applies sql/bootstrap/ (roles, schemas, grants, publication, role passwords) with the image's psql, in one
 * transaction, whenever its SQL or a password changes: a password changed in config reaches its role before the
 * services that log in with it start. Passwords travel as session settings in PGOPTIONS, a secret env value.
 */
export function planDatabaseBootstrap(config: StackConfig, addressing: Addressing): TaskSpec {
  const files = bootstrapFiles();
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
      PGOPTIONS: tpl`-c bootstrap.authenticator_password=${ref("authenticatorPassword")} -c bootstrap.supabase_auth_admin_password=${ref("authAdminPassword")} -c bootstrap.supabase_admin_password=${ref("postgresPassword")}`,
    },
    resources: RESOURCES,
    files,
    logLabels: { service: "db-bootstrap", env: config.env },
    security: { runAsUser: POSTGRES_UID, readOnlyRootFilesystem: true },
    after: "postgres",
    before: ["auth", "rest", "realtime"],
    timeoutSeconds: 300,
  };
}

function bootstrapFiles(): FileSpec[] {
  return readdirSync(join(REPO_ROOT, SOURCE_DIR))
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, mountPath: `${MOUNT_DIR}/${name}`, content: [readRepoFile(`${SOURCE_DIR}/${name}`)], source: `${SOURCE_DIR}/${name}` }));
}
