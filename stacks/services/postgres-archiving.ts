import { postgresArchiveArgs } from "../../scripts/backup/pgbackrest-config.js";
import { PGBACKREST_CONFIG_PATH, PGBACKREST_TLS_DIR, PGBACKREST_TLS_PORT } from "../backup/pgbackrest-topology.js";
import { stackPgbackrestTopology, usesS3Keys, VOLUME_REPOSITORY_PATH } from "../backup/stack-topology.js";
import type { StackConfig } from "../config.js";
import type { Addressing, EnvValue, FileSpec, ImageBuild, ServiceSpec, SidecarSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { healthSpec } from "./health.js";

/** The Unix socket directory of the cluster, a volume the ops container shares to reach it. */
export const POSTGRES_SOCKET_DIR = "/var/run/postgresql";

/** docker/postgres-pgbackrest on top of the pinned supabase/postgres tag. */
export function postgresPgbackrestBuild(baseImage: string): ImageBuild {
  const tag = /^(?:docker\.io\/)?supabase\/postgres:([\w.-]+)$/.exec(baseImage)?.[1];
  if (!tag) throw new Error(`images.postgres: got '${baseImage}'; expected supabase/postgres:<tag> when backups are enabled (docker/postgres-pgbackrest builds on it)`);
  return { name: "supabase-postgres-pgbackrest", context: "docker/postgres-pgbackrest", dockerfile: "docker/postgres-pgbackrest/Dockerfile", args: { POSTGRES_IMAGE_TAG: tag } };
}

/** The repository secrets pgBackRest reads from its environment: the cipher pass, and the S3 keys when shared. */
function repositoryEnv(config: StackConfig): Record<string, EnvValue> {
  return {
    PGBACKREST_REPO1_CIPHER_PASS: tpl`${ref("pgbackrestCipherPass")}`,
    ...(usesS3Keys(config) && {
      PGBACKREST_REPO1_S3_KEY: tpl`${ref("backupS3AccessKeyId")}`,
      PGBACKREST_REPO1_S3_KEY_SECRET: tpl`${ref("backupS3SecretAccessKey")}`,
    }),
  };
}

/**
 * Postgres with WAL archiving through pgBackRest: the pgbackrest image variant, archive_mode/archive_command/archive_timeout
 * as server arguments, the database-side pgbackrest.conf (no secret in it), the cipher pass (and S3 keys) as secret env,
 * and a socket directory shared with whatever runs the backups. On Kubernetes that is the pgBackRest TLS server beside
 * PostgreSQL, and the pod's identity carries the configured annotations (workload identity for the bucket); on the Docker
 * host the ops container mounts the socket, the data and, for a volume repository, the repository.
 */
export function withArchiving(spec: ServiceSpec, config: StackConfig, addressing: Addressing): ServiceSpec {
  const topology = stackPgbackrestTopology(config, addressing);
  const volumeRepository = config.backup.repository.type === "volume";
  const build = postgresPgbackrestBuild(spec.image);
  const conf: FileSpec = { name: "pgbackrest.conf", mountPath: PGBACKREST_CONFIG_PATH, content: [topology.databaseConf] };
  const annotations = config.backup.serviceAccountAnnotations;
  return {
    ...spec,
    build,
    args: [...(spec.args ?? []), ...postgresArchiveArgs(topology.archiveSettings)],
    env: { ...spec.env, ...repositoryEnv(config) },
    files: [...spec.files, conf],
    volumes: [
      ...spec.volumes,
      { name: "socket", mountPath: POSTGRES_SOCKET_DIR, size: "16Mi", ephemeral: true },
      ...(volumeRepository ? [{ name: "pgbackrest", mountPath: VOLUME_REPOSITORY_PATH, size: config.storage.postgres.size }] : []),
    ],
    ...(config.platform === "kubernetes" && { sidecars: [pgbackrestServer(spec, build, conf, config)] }),
    ...(annotations && { identityAnnotations: annotations }),
  };
}

/** What the TLS server needs on top of the image defaults: no log file, locks on the writable /tmp. */
const SERVER_SETTINGS = { PGBACKREST_LOG_LEVEL_FILE: "off", PGBACKREST_LOCK_PATH: "/tmp/pgbackrest" } as const;

/**
 * `pgbackrest server` beside PostgreSQL, for the backup jobs (TLS clients with the client certificate): same image, user
 * and pgbackrest.conf, the data volume read-only and the socket directory; its certificates as secret files, and as
 * secret env the superuser's password for the socket connection and the repository secrets, which pgBackRest checks on
 * the database side of stanza-create and check.
 */
function pgbackrestServer(spec: ServiceSpec, build: ImageBuild, conf: FileSpec, config: StackConfig): SidecarSpec {
  const tlsFile = (name: string, secret: "pgbackrestTlsCa" | "pgbackrestTlsServerCert" | "pgbackrestTlsServerKey"): FileSpec => ({
    name: `pgbackrest-${name}`,
    mountPath: `${PGBACKREST_TLS_DIR}/${name}`,
    content: tpl`${ref(secret)}`,
  });
  const listening = { tcp: { port: "pgbackrest" } } as const;
  return {
    name: "pgbackrest",
    image: spec.image,
    build,
    command: ["pgbackrest", "server"],
    env: { ...SERVER_SETTINGS, PGPASSWORD: tpl`${ref("postgresPassword")}`, ...repositoryEnv(config) },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } },
    files: [conf, tlsFile("ca.crt", "pgbackrestTlsCa"), tlsFile("server.crt", "pgbackrestTlsServerCert"), tlsFile("server.key", "pgbackrestTlsServerKey")],
    logLabels: spec.logLabels,
    security: { ...spec.security, readOnlyRootFilesystem: true },
    ports: [{ name: "pgbackrest", port: PGBACKREST_TLS_PORT }],
    mounts: [{ volume: "data", readOnly: true }, { volume: "socket" }],
    health: healthSpec({ readiness: listening, liveness: listening }),
  };
}
