import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import type { DockerBackupPlan } from "../../backup/docker-backup.js";
import { resolve, type SecretValues } from "../../secrets.js";
import { RESTART_POLICY, STOP_GRACE_SECONDS } from "./lifecycle.js";
import { dockerLimits } from "./limits.js";

/** Everything the scheduler container needs besides its plan. */
export interface BackupSchedulerInputs {
  /** The Docker-host backup plan. */
  readonly plan: DockerBackupPlan;
  /** Docker name of the container. */
  readonly name: string;
  /** The built ops image. */
  readonly image: pulumi.Input<string>;
  /** Name of the network the container joins. */
  readonly network: pulumi.Input<string>;
  /** Docker volume name of each shared postgres volume, by spec volume name. */
  readonly volumes: ReadonlyMap<string, pulumi.Input<string>>;
  /** Values of the stack's secrets. */
  readonly secrets: SecretValues;
  /** Labels of the container's logs. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The ops container running supercronic: plain settings as env, the crontab and job-side pgbackrest.conf uploaded, every
 * secret an upload only the jobs' user reads (the jobs take `*_FILE` paths), and the database's volumes at its own paths.
 */
export function backupSchedulerArgs(i: BackupSchedulerInputs): docker.ContainerArgs {
  const { plan } = i;
  const [uid, gid] = plan.user.split(":");
  const limits = dockerLimits(plan.resources);
  return {
    name: i.name,
    image: i.image,
    entrypoints: [...plan.scheduler.command],
    envs: Object.entries(plan.scheduler.env).map(([key, value]) => `${key}=${value}`),
    uploads: [
      ...plan.scheduler.files.map((f) => ({ file: f.path, content: f.content, permissions: "0444" })),
      ...plan.scheduler.secretFiles.map((f) => ({ file: f.path, content: resolve(plan.secretContents[f.key]!, i.secrets), permissions: "0400", owner: uid!, group: gid! })),
    ],
    volumes: plan.sharedVolumes.map((v) => ({ volumeName: i.volumes.get(v.volume)!, containerPath: v.mountPath })),
    networksAdvanced: [{ name: i.network }],
    user: plan.user,
    restart: RESTART_POLICY,
    destroyGraceSeconds: STOP_GRACE_SECONDS,
    memory: limits.memoryMiB,
    memorySwap: limits.memoryMiB,
    cpus: limits.cpus,
    labels: Object.entries(i.labels).map(([label, value]) => ({ label, value })),
  };
}
