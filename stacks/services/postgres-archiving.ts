import { postgresArchiveArgs } from "../../scripts/backup/pgbackrest-config.js";
import { PGBACKREST_CONFIG_PATH } from "../backup/pgbackrest-topology.js";
import { stackPgbackrestTopology, usesS3Keys, VOLUME_REPOSITORY_PATH } from "../backup/stack-topology.js";
import type { StackConfig } from "../config.js";
import type { Addressing, ImageBuild, ServiceSpec } from "../model.js";
import { ref, tpl } from "../template.js";

/** The Unix socket directory of the cluster, a volume the ops container shares to reach it. */
export const POSTGRES_SOCKET_DIR = "/var/run/postgresql";

/** docker/postgres-pgbackrest on top of the pinned supabase/postgres tag. */
export function postgresPgbackrestBuild(baseImage: string): ImageBuild {
  const tag = /^(?:docker\.io\/)?supabase\/postgres:([\w.-]+)$/.exec(baseImage)?.[1];
  if (!tag) throw new Error(`images.postgres: got '${baseImage}'; expected supabase/postgres:<tag> when backups are enabled (docker/postgres-pgbackrest builds on it)`);
  return { name: "supabase-postgres-pgbackrest", context: "docker/postgres-pgbackrest", dockerfile: "docker/postgres-pgbackrest/Dockerfile", args: { POSTGRES_IMAGE_TAG: tag } };
}

/**
 * Postgres with WAL archiving through pgBackRest: the pgbackrest image variant, archive_mode/archive_command/archive_timeout
 * as server arguments, the database-side pgbackrest.conf (no secret in it), the cipher pass (and S3 keys) as secret env,
 * and, for a volume repository, the repository and the socket directory as volumes the ops container shares.
 */
export function withArchiving(spec: ServiceSpec, config: StackConfig, addressing: Addressing): ServiceSpec {
  const topology = stackPgbackrestTopology(config, addressing);
  const volumeRepository = config.backup.repository.type === "volume";
  return {
    ...spec,
    build: postgresPgbackrestBuild(spec.image),
    args: [...(spec.args ?? []), ...postgresArchiveArgs(topology.archiveSettings)],
    env: {
      ...spec.env,
      PGBACKREST_REPO1_CIPHER_PASS: tpl`${ref("pgbackrestCipherPass")}`,
      ...(usesS3Keys(config) && {
        PGBACKREST_REPO1_S3_KEY: tpl`${ref("backupS3AccessKeyId")}`,
        PGBACKREST_REPO1_S3_KEY_SECRET: tpl`${ref("backupS3SecretAccessKey")}`,
      }),
    },
    files: [...spec.files, { name: "pgbackrest.conf", mountPath: PGBACKREST_CONFIG_PATH, content: [topology.databaseConf] }],
    volumes: [
      ...spec.volumes,
      { name: "socket", mountPath: POSTGRES_SOCKET_DIR, size: "16Mi" },
      ...(volumeRepository ? [{ name: "pgbackrest", mountPath: VOLUME_REPOSITORY_PATH, size: config.storage.postgres.size }] : []),
    ],
  };
}
