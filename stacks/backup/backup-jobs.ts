import type { StackConfig } from "../config.js";
import type { Addressing, Template } from "../model.js";
import { INFRASTRUCTURE_JOBS } from "../monitoring/infrastructure-jobs.js";
import { databaseUrl } from "../services/database-url.js";
import { ENDPOINTS } from "../services/endpoints.js";
import { ref, tpl } from "../template.js";
import type { BackupSecretKey } from "./backup-secrets.js";
import { PGBACKREST_CONFIG_PATH } from "./pgbackrest-topology.js";
import { scheduledJobs } from "./schedule.js";
import { stackPgbackrestTopology, STANZA, usesS3Keys, VOLUME_REPOSITORY_PATH } from "./stack-topology.js";

/** What the scheduled jobs get on every platform. */
export interface BackupJobsPlan {
  /** Non-secret settings: pgBackRest config and stanza, dump destination, S3 endpoint and region, pushgateway. */
  readonly settings: Readonly<Record<string, string>>;
  /** What each secret the jobs read holds; only the keys some job uses. */
  readonly secretContents: Readonly<Partial<Record<BackupSecretKey, Template>>>;
  /** The job-side pgbackrest.conf (no secret in it). */
  readonly pgbackrestConf: string;
}

/** The settings, secrets and pgBackRest config of a stack's backup jobs, whichever platform schedules them. */
export function planBackupJobs(config: StackConfig, addressing: Addressing): BackupJobsPlan {
  const s3 = config.backup.repository.type === "s3" ? config.backup.repository.s3 : undefined;
  const contents: Partial<Record<BackupSecretKey, Template>> = {
    pgbackrestCipherPass: tpl`${ref("pgbackrestCipherPass")}`,
    backupEncryptionKey: tpl`${ref("backupEncryptionKey")}`,
    databaseUrl: databaseUrl("supabase_admin", "postgresPassword", addressing),
    redisUrl: tpl`redis://:${ref("redisPassword")}@${addressing.address(ENDPOINTS.redis.host)}:${String(ENDPOINTS.redis.port)}`,
    ...(usesS3Keys(config) && {
      s3AccessKeyId: tpl`${ref("backupS3AccessKeyId")}`,
      s3SecretAccessKey: tpl`${ref("backupS3SecretAccessKey")}`,
      pgbackrestS3Key: tpl`${ref("backupS3AccessKeyId")}`,
      pgbackrestS3KeySecret: tpl`${ref("backupS3SecretAccessKey")}`,
    }),
  };
  const used = new Set(scheduledJobs(config.backup.schedule).flatMap((job) => job.secrets));
  const pushgateway = INFRASTRUCTURE_JOBS.pushgateway;
  return {
    settings: {
      PGBACKREST_CONFIG: PGBACKREST_CONFIG_PATH,
      PGBACKREST_STANZA: STANZA,
      BACKUP_DEST: s3 ? `s3://${s3.bucket}${s3.path}/dumps` : `${VOLUME_REPOSITORY_PATH}/dumps`,
      ...(s3 && { BACKUP_S3_ENDPOINT: `https://${s3.endpoint}`, AWS_REGION: s3.region }),
      ...(config.monitoring.enabled && { PUSHGATEWAY_URL: `http://${addressing.address(pushgateway.host)}:${pushgateway.port}` }),
    },
    secretContents: Object.fromEntries(Object.entries(contents).filter(([key]) => used.has(key as BackupSecretKey))),
    pgbackrestConf: stackPgbackrestTopology(config, addressing).jobConf,
  };
}
