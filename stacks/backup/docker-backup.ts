import type { Resources, StackConfig } from "../config.js";
import type { Addressing, ImageBuild, Template } from "../model.js";
import { DATA_VOLUME_PATH, POSTGRES_GID, POSTGRES_UID } from "../services/postgres.js";
import { POSTGRES_SOCKET_DIR } from "../services/postgres-archiving.js";
import type { BackupSecretKey } from "./backup-secrets.js";
import { planBackupJobs } from "./backup-jobs.js";
import { dockerScheduler, type DockerScheduler } from "./docker-scheduler.js";
import { PGBACKREST_CONFIG_PATH } from "./pgbackrest-topology.js";
import { VOLUME_REPOSITORY_PATH } from "./stack-topology.js";

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

/** docker/ops: Node, the CLIs, pgBackRest, the PostgreSQL 15 programs and redis-tools. */
export const OPS_BUILD: ImageBuild = { name: "supabase-ops", context: ".", dockerfile: "docker/ops/Dockerfile", args: {} };
const OPS_RESOURCES: Resources = { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } };

/** The Docker-host backup schedule of a stack: jobs share the database's volumes and reach Redis and the pushgateway by alias. */
export function planDockerBackup(config: StackConfig, addressing: Addressing): DockerBackupPlan {
  const jobs = planBackupJobs(config, addressing);
  const scheduler = dockerScheduler({
    env: config.env,
    image: OPS_BUILD.name,
    timeZone: config.backup.timeZone,
    schedule: config.backup.schedule,
    settings: jobs.settings,
    secrets: Object.keys(jobs.secretContents) as BackupSecretKey[],
  });
  return {
    build: OPS_BUILD,
    scheduler: { ...scheduler, files: [...scheduler.files, { path: PGBACKREST_CONFIG_PATH, content: jobs.pgbackrestConf }] },
    secretContents: jobs.secretContents,
    sharedVolumes: [
      { volume: "data", mountPath: DATA_VOLUME_PATH },
      { volume: "socket", mountPath: POSTGRES_SOCKET_DIR },
      ...(config.backup.repository.type === "s3" ? [] : [{ volume: "pgbackrest", mountPath: VOLUME_REPOSITORY_PATH }]),
    ],
    user: `${POSTGRES_UID}:${POSTGRES_GID}`,
    resources: OPS_RESOURCES,
  };
}
