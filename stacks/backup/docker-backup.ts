import type { Resources, StackConfig } from "../config.js";
import type { Addressing, ImageBuild, Template } from "../model.js";
import { INFRASTRUCTURE_JOBS } from "../monitoring/infrastructure-jobs.js";
import { databaseUrl } from "../services/database-url.js";
import { ENDPOINTS } from "../services/endpoints.js";
import { DATA_VOLUME_PATH, POSTGRES_GID, POSTGRES_UID } from "../services/postgres.js";
import { POSTGRES_SOCKET_DIR } from "../services/postgres-archiving.js";
import { ref, tpl } from "../template.js";
import type { BackupSecretKey } from "./backup-secrets.js";
import { dockerScheduler, type DockerScheduler } from "./docker-scheduler.js";
import { PGBACKREST_CONFIG_PATH } from "./pgbackrest-topology.js";
import { scheduledJobs } from "./schedule.js";
import { stackPgbackrestTopology, STANZA, usesS3Keys, VOLUME_REPOSITORY_PATH } from "./stack-topology.js";

/** A volume of the postgres service the ops container mounts at the same path. */
export interface SharedVolume {
  /** Name of the volume in the postgres spec. */
  readonly volume: string;
  /** Where both containers mount it. */
  readonly mountPath: string;
}

/** Everything the Docker host needs to run the backup schedule beside the stack. */
export interface DockerBackupPlan {
  /** The ops image (docker/ops/Dockerfile), built by the program. */
  readonly build: ImageBuild;
  /** supercronic on the rendered crontab, with the job-side pgbackrest.conf among its files. */
  readonly scheduler: DockerScheduler;
  /** What each secret file holds. */
  readonly secretContents: Readonly<Partial<Record<BackupSecretKey, Template>>>;
  /** Postgres volumes the jobs read (data, socket, volume repository). */
  readonly sharedVolumes: readonly SharedVolume[];
  /** uid:gid the jobs run as: the database's own, to read its data directory. */
  readonly user: string;
  /** CPU and memory of the ops container (a dump or the drill's scratch cluster runs inside it). */
  readonly resources: Resources;
}

const OPS_BUILD: ImageBuild = { name: "supabase-ops", context: ".", dockerfile: "docker/ops/Dockerfile", args: {} };
const OPS_RESOURCES: Resources = { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } };

/** The Docker-host backup schedule of a stack: jobs share the database's volumes and reach Redis and the pushgateway by alias. */
export function planDockerBackup(config: StackConfig, addressing: Addressing): DockerBackupPlan {
  const { repository } = config.backup;
  const s3 = repository.type === "s3" ? repository.s3 : undefined;
  const s3Keys = usesS3Keys(config);
  const secretContents: Partial<Record<BackupSecretKey, Template>> = {
    pgbackrestCipherPass: tpl`${ref("pgbackrestCipherPass")}`,
    backupEncryptionKey: tpl`${ref("backupEncryptionKey")}`,
    databaseUrl: databaseUrl("supabase_admin", "postgresPassword", addressing),
    redisUrl: tpl`redis://:${ref("redisPassword")}@${addressing.address(ENDPOINTS.redis.host)}:${String(ENDPOINTS.redis.port)}`,
    ...(s3Keys && {
      s3AccessKeyId: tpl`${ref("backupS3AccessKeyId")}`,
      s3SecretAccessKey: tpl`${ref("backupS3SecretAccessKey")}`,
      pgbackrestS3Key: tpl`${ref("backupS3AccessKeyId")}`,
      pgbackrestS3KeySecret: tpl`${ref("backupS3SecretAccessKey")}`,
    }),
  };
  const used = new Set(scheduledJobs(config.backup.schedule).flatMap((job) => job.secrets));
  const pushgateway = INFRASTRUCTURE_JOBS.pushgateway;
  const scheduler = dockerScheduler({
    env: config.env,
    image: OPS_BUILD.name,
    timeZone: config.backup.timeZone,
    schedule: config.backup.schedule,
    settings: {
      PGBACKREST_CONFIG: PGBACKREST_CONFIG_PATH,
      PGBACKREST_STANZA: STANZA,
      BACKUP_DEST: s3 ? `s3://${s3.bucket}${s3.path}/dumps` : `${VOLUME_REPOSITORY_PATH}/dumps`,
      ...(s3 && { BACKUP_S3_ENDPOINT: `https://${s3.endpoint}`, AWS_REGION: s3.region }),
      ...(config.monitoring.enabled && { PUSHGATEWAY_URL: `http://${addressing.address(pushgateway.host)}:${pushgateway.port}` }),
    },
    secrets: (Object.keys(secretContents) as BackupSecretKey[]).filter((key) => used.has(key)),
  });
  return {
    build: OPS_BUILD,
    scheduler: { ...scheduler, files: [...scheduler.files, { path: PGBACKREST_CONFIG_PATH, content: stackPgbackrestTopology(config, addressing).jobConf }] },
    secretContents,
    sharedVolumes: [
      { volume: "data", mountPath: DATA_VOLUME_PATH },
      { volume: "socket", mountPath: POSTGRES_SOCKET_DIR },
      ...(s3 ? [] : [{ volume: "pgbackrest", mountPath: VOLUME_REPOSITORY_PATH }]),
    ],
    user: `${POSTGRES_UID}:${POSTGRES_GID}`,
    resources: OPS_RESOURCES,
  };
}
