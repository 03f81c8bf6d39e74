import {
  PGBACKREST_DEFAULTS,
  postgresArchiveSettings,
  renderPgbackrestConf,
  type PgbackrestCluster,
  type PgbackrestConfig,
  type PgbackrestRepository,
  type PgbackrestRetention,
} from "../../scripts/backup/pgbackrest-config.js";

/** Where pgbackrest.conf is mounted, in the database container and in the ops image alike. */
export const PGBACKREST_CONFIG_PATH = "/etc/pgbackrest/pgbackrest.conf";
/** Where the TLS material is mounted: ca.crt, and server.crt/server.key (database side) or client.crt/client.key (jobs). */
export const PGBACKREST_TLS_DIR = "/etc/pgbackrest/tls";
/** Port of the pgBackRest TLS server beside PostgreSQL. */
export const PGBACKREST_TLS_PORT = 8432;
/** Common name of the client certificate the backup jobs present. */
export const PGBACKREST_CLIENT_CN = "supabase-backup";

/** The cluster as the supabase/postgres image runs it (stacks/services/postgres.ts). */
const SUPABASE_CLUSTER = { dataDir: "/var/lib/postgresql/data", port: 5432, socketDir: "/var/run/postgresql", user: "supabase_admin" } as const;

/** What differs between stacks. */
export interface PgbackrestTopologyInput {
  readonly stanza: string;
  readonly repository: PgbackrestRepository;
  readonly retention: PgbackrestRetention;
  /** `kubernetes`: jobs reach a TLS server beside PostgreSQL at `databaseHost`; `docker`: jobs share the database's volumes. */
  readonly platform: "kubernetes" | "docker";
  /** Host name of the database service (Kubernetes). */
  readonly databaseHost: string;
}

/** The two pgbackrest.conf files and the PostgreSQL settings a stack deploys. */
export interface PgbackrestTopology {
  /** For the database container (archive-push, restores, and on Kubernetes the TLS server). */
  readonly databaseConf: string;
  /** For the backup jobs and the drill. */
  readonly jobConf: string;
  /** `-c` settings for PostgreSQL: archive_mode, archive_command, archive_timeout. */
  readonly archiveSettings: Readonly<Record<string, string>>;
}

/** Renders both sides of the pgBackRest topology for a stack. */
export function pgbackrestTopology(input: PgbackrestTopologyInput): PgbackrestTopology {
  const base: Omit<PgbackrestConfig, "cluster"> = { ...PGBACKREST_DEFAULTS, stanza: input.stanza, repository: input.repository, retention: input.retention };
  const local: PgbackrestCluster = { kind: "local", ...SUPABASE_CLUSTER };
  const kubernetes = input.platform === "kubernetes";
  const databaseConf = renderPgbackrestConf({
    ...base,
    cluster: local,
    ...(kubernetes && {
      tlsServer: {
        address: "*",
        port: PGBACKREST_TLS_PORT,
        certFile: `${PGBACKREST_TLS_DIR}/server.crt`,
        keyFile: `${PGBACKREST_TLS_DIR}/server.key`,
        caFile: `${PGBACKREST_TLS_DIR}/ca.crt`,
        clientCommonName: PGBACKREST_CLIENT_CN,
      },
    }),
  });
  const jobCluster: PgbackrestCluster = kubernetes
    ? {
        kind: "tls",
        host: input.databaseHost,
        serverPort: PGBACKREST_TLS_PORT,
        ...SUPABASE_CLUSTER,
        certFile: `${PGBACKREST_TLS_DIR}/client.crt`,
        keyFile: `${PGBACKREST_TLS_DIR}/client.key`,
        caFile: `${PGBACKREST_TLS_DIR}/ca.crt`,
      }
    : local;
  return {
    databaseConf,
    jobConf: renderPgbackrestConf({ ...base, cluster: jobCluster }),
    archiveSettings: postgresArchiveSettings(input.stanza, PGBACKREST_CONFIG_PATH),
  };
}
