import { deploysBackups } from "../backup/stack-topology.js";
import type { StackConfig } from "../config.js";
import type { Addressing, ServiceSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { DATABASE_NAME } from "./database-url.js";
import { ENDPOINTS } from "./endpoints.js";
import { healthSpec } from "./health.js";
import { withArchiving } from "./postgres-archiving.js";
import { readRepoFile } from "./repo-file.js";
import { serviceBasics } from "./service-basics.js";

/** The postgres user and group of supabase/postgres 15.8.x images (101:102 in 15.1.x, so check when changing majors). */
export const POSTGRES_UID = 105;
export const POSTGRES_GID = 106;

/**
 * The data volume is mounted at the postgres home, which the image owns, and PGDATA is a directory inside it:
 * a non-root postgres can neither chmod a volume root to 0700 nor create a directory in a root-owned one.
 */
export const DATA_VOLUME_PATH = "/var/lib/postgresql";
/** Where the cluster's files live. */
const PGDATA = `${DATA_VOLUME_PATH}/data`;
/** Holds the pgsodium root key (and the image's supautils config); losing it makes Vault secrets unreadable. */
const CUSTOM_CONFIG_PATH = "/etc/postgresql-custom";

/** First-boot scripts from sql/init/, run by the image after its own migrations. */
const INIT_SCRIPTS = ["99-jwt.sql", "99-roles.sql"];

const isReady = ["pg_isready", "-U", "postgres", "-h", "localhost", "-p", String(ENDPOINTS.postgres.port)];

/** Postgres from the supabase/postgres image: one stateful replica, role passwords set on first boot, WAL archived when backed up. */
export function planPostgres(config: StackConfig, addressing: Addressing): ServiceSpec {
  const spec = basePostgres(config);
  return deploysBackups(config) ? withArchiving(spec, config, addressing) : spec;
}

function basePostgres(config: StackConfig): ServiceSpec {
  const { host, port } = ENDPOINTS.postgres;
  return {
    ...serviceBasics("postgres", config),
    host,
    kind: "stateful",
    args: ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"],
    env: {
      POSTGRES_HOST: "/var/run/postgresql",
      POSTGRES_DB: DATABASE_NAME,
      PGPORT: String(port),
      PGDATA,
      POSTGRES_PASSWORD: tpl`${ref("postgresPassword")}`,
      AUTHENTICATOR_PASSWORD: tpl`${ref("authenticatorPassword")}`,
      SUPABASE_AUTH_ADMIN_PASSWORD: tpl`${ref("authAdminPassword")}`,
      JWT_EXP: String(config.auth.jwtExpiry),
    },
    ports: [{ name: "postgres", port }],
    health: healthSpec({ readiness: { exec: isReady }, liveness: { exec: isReady }, startPeriodSeconds: 120 }),
    replicas: 1,
    volumes: [
      { name: "data", mountPath: DATA_VOLUME_PATH, ...config.storage.postgres },
      { name: "pgsodium", mountPath: CUSTOM_CONFIG_PATH, ...config.storage.pgsodium, seedFromImage: true },
    ],
    files: INIT_SCRIPTS.map((name) => ({
      name,
      mountPath: `/docker-entrypoint-initdb.d/init-scripts/${name}`,
      content: [readRepoFile(`sql/init/${name}`)],
      source: `sql/init/${name}`,
    })),
    dependsOn: [],
    security: { runAsUser: POSTGRES_UID, fsGroup: POSTGRES_GID, readOnlyRootFilesystem: false },
  };
}
