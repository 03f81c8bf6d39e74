import type { StackConfig } from "../config.js";
import type { Addressing } from "../model.js";
import { ENDPOINTS } from "../services/endpoints.js";
import { pgbackrestTopology, type PgbackrestTopology } from "./pgbackrest-topology.js";

/** Where a volume repository lives, in the database container and the ops container alike. */
export const VOLUME_REPOSITORY_PATH = "/var/lib/pgbackrest";
/** The pgBackRest stanza of the stack's cluster. */
export const STANZA = "main";

/** Whether the program deploys WAL archiving and the backup schedule. */
export function deploysBackups(config: StackConfig): boolean {
  return config.backup.enabled;
}

/** Whether the pgBackRest repository and the dumps are reached with the S3 keys from stack config. */
export function usesS3Keys(config: StackConfig): boolean {
  return config.backup.repository.type === "s3" && config.backup.repository.s3?.keyType === "shared";
}

/** The stack's pgBackRest topology: its repository from config, the database at its service address. */
export function stackPgbackrestTopology(config: StackConfig, addressing: Addressing): PgbackrestTopology {
  const { repository, retention } = config.backup;
  return pgbackrestTopology({
    stanza: STANZA,
    repository: repository.type === "s3" && repository.s3 ? { type: "s3", ...repository.s3, verifyTls: true } : { type: "posix", path: VOLUME_REPOSITORY_PATH },
    retention,
    platform: config.platform,
    databaseHost: addressing.address(ENDPOINTS.postgres.host),
  });
}
