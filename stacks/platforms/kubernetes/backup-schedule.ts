import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BackupSecretKey } from "../../backup/backup-secrets.js";
import type { BackupJobsPlan } from "../../backup/backup-jobs.js";
import { backupCronJobs, type BackupCronJobsConfig } from "../../backup/schedule.js";
import type { StackConfig } from "../../config.js";
import { resolve, type SecretValues } from "../../secrets.js";
import { ref, tpl } from "../../template.js";

/** Inputs to the Kubernetes backup schedule. */
export interface KubernetesBackupScheduleArgs {
  /** The validated stack configuration (namespace, schedule, time zone, storage, annotations). */
  readonly config: StackConfig;
  /** Settings, secrets and pgbackrest.conf of the jobs. */
  readonly jobs: BackupJobsPlan;
  /** The pushed ops image (docker/ops), by digest. */
  readonly image: pulumi.Input<string>;
  /** The stack's secret values. */
  readonly secrets: SecretValues;
}

/** Names of the objects the CronJobs reference. */
const NAMES = { account: "supabase-backup", secret: "supabase-backup", config: "supabase-backup-pgbackrest", tls: "supabase-backup-tls" } as const;

/**
 * The backup CronJobs with what they read: a ServiceAccount carrying the workload-identity annotations, the job-side
 * pgbackrest.conf in a ConfigMap, the job secrets in one Secret and the TLS client certificate in another. The objects
 * keep fixed names: every run starts a new pod, which reads their current content.
 */
export class KubernetesBackupSchedule extends pulumi.ComponentResource {
  /** Names of the CronJobs. */
  readonly cronJobs: readonly string[];

  constructor(name: string, args: KubernetesBackupScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:kubernetes:BackupSchedule", name, {}, opts);
    const { config, jobs, secrets } = args;
    const child = { parent: this };
    const namespace = config.namespace;
    const labels = { "app.kubernetes.io/name": "supabase-backup", "app.kubernetes.io/part-of": "supabase", "supabase.io/env": config.env };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels });
    const annotations = config.backup.serviceAccountAnnotations;
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      { metadata: { ...metadata(NAMES.account), ...(annotations && { annotations }) }, automountServiceAccountToken: false },
      child,
    );
    const secretData = Object.fromEntries(
      (Object.entries(jobs.secretContents) as [BackupSecretKey, NonNullable<BackupJobsPlan["secretContents"][BackupSecretKey]>][]).map(([key, value]) => [key, resolve(value, secrets)]),
    );
    const secret = new k8s.core.v1.Secret(`${name}-secrets`, { metadata: metadata(NAMES.secret), type: "Opaque", stringData: secretData }, child);
    const tls = new k8s.core.v1.Secret(
      `${name}-tls`,
      {
        metadata: metadata(NAMES.tls),
        type: "Opaque",
        stringData: {
          "ca.crt": resolve(tpl`${ref("pgbackrestTlsCa")}`, secrets),
          "client.crt": resolve(tpl`${ref("pgbackrestTlsClientCert")}`, secrets),
          "client.key": resolve(tpl`${ref("pgbackrestTlsClientKey")}`, secrets),
        },
      },
      child,
    );
    const conf = new k8s.core.v1.ConfigMap(`${name}-pgbackrest`, { metadata: metadata(NAMES.config), data: { "pgbackrest.conf": jobs.pgbackrestConf } }, child);
    const storage = config.storage.postgres;
    const schedule = (image: string): BackupCronJobsConfig => ({
      env: config.env,
      namespace,
      image,
      timeZone: config.backup.timeZone,
      schedule: config.backup.schedule,
      secretName: NAMES.secret,
      pgbackrestConfigMap: NAMES.config,
      pgbackrestTlsSecret: NAMES.tls,
      settings: jobs.settings,
      scratchSize: storage.size,
      ...(storage.storageClass !== undefined && { scratchStorageClass: storage.storageClass }),
      serviceAccountName: NAMES.account,
    });
    const planned = backupCronJobs(schedule("planned"));
    const rendered = pulumi.output(args.image).apply((image) => backupCronJobs(schedule(image)));
    this.cronJobs = planned.map((job) => job.metadata!.name!);
    planned.forEach((job, i) => {
      new k8s.batch.v1.CronJob(
        `${name}-${job.metadata!.name}`,
        { metadata: { name: job.metadata!.name!, namespace, labels: job.metadata!.labels! }, spec: rendered.apply((all) => all[i]!.spec!) as pulumi.Input<k8s.types.input.batch.v1.CronJobSpec> },
        { ...child, dependsOn: [account, secret, tls, conf] },
      );
    });
    this.registerOutputs({ cronJobs: this.cronJobs });
  }
}
