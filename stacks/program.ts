import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { planBackupJobs } from "./backup/backup-jobs.js";
import { OPS_BUILD, planDockerBackup } from "./backup/docker-backup.js";
import { pgbackrestCertificatePlan } from "./backup/pgbackrest-certificates.js";
import { deploysBackups } from "./backup/stack-topology.js";
import { loadConfig } from "./load-config.js";
import { DockerPlatform } from "./platforms/docker/index.js";
import { dockerAddressing } from "./platforms/docker/addressing.js";
import { KubernetesBackupSchedule } from "./platforms/kubernetes/backup-schedule.js";
import { KubernetesPlatform } from "./platforms/kubernetes/index.js";
import { pushImage } from "./platforms/kubernetes/pushed-image.js";
import { LoadTestRun } from "./platforms/kubernetes/load-test-run.js";
import { kubernetesAddressing } from "./platforms/kubernetes/addressing.js";
import type { ContainerSpec, ImageBuild, ServiceSpec, TaskSpec } from "./model.js";
import { StackSecrets } from "./secrets.js";
import { ENDPOINTS } from "./services/endpoints.js";
import { planStack, planTasks } from "./services/index.js";
import { INFRASTRUCTURE_JOBS } from "./monitoring/infrastructure-jobs.js";
import { readRepoFileBytes } from "./services/repo-file.js";
import { K6_RUNNER_IMAGE } from "./versions.js";

/** The stack outputs. */
export interface StackOutputs {
  /** Public URL of the API gateway. */
  readonly apiUrl: string;
  /** The anon key: public by design (every client embeds it), exported in clear. */
  readonly anonKey: pulumi.Output<string>;
  /** The service_role key (bypasses RLS): a secret output. */
  readonly serviceRoleKey: pulumi.Output<string>;
  /** Dashboard basic-auth password: a secret output. */
  readonly dashboardPassword: pulumi.Output<string>;
  /** Password of Grafana's admin user: a secret output. */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** Cipher pass of the pgBackRest repository: a secret output, to keep outside the bucket and the cluster. */
  readonly pgbackrestCipherPass: pulumi.Output<string>;
  /** Key of the logical and Redis backups: a secret output, kept like the cipher pass. */
  readonly backupEncryptionKey: pulumi.Output<string>;
  /** Platform the stack runs on. */
  readonly platform: string;
  /** PromQL of the release gate of the configured k6 TestRun: one series per failed gate, none when it passed. */
  readonly loadTestGate?: string;
}

/** Every image the stack builds, once each: the specs', their sidecars' and tasks', then `extra`. */
function imageBuilds(specs: readonly ServiceSpec[], tasks: readonly TaskSpec[], extra: readonly ImageBuild[]): ImageBuild[] {
  const containers: ContainerSpec[] = [...specs, ...specs.flatMap((s) => s.sidecars ?? []), ...tasks];
  const all = [...containers.flatMap((c) => (c.build ? [c.build] : [])), ...extra];
  return [...new Map(all.map((b) => [b.name, b])).values()];
}

/** Validates config, generates secrets, plans every service and renders it to the configured platform. */
export function createStack(): StackOutputs {
  const { config, secrets: provided } = loadConfig();
  const testRun = config.loadtest.testRun;
  const testRunArchive = testRun && readRepoFileBytes(testRun.archive, "loadtest.testRun.archive");
  const kubernetesBackups = config.platform === "kubernetes" && deploysBackups(config);
  const secrets = new StackSecrets("supabase", {
    apiKeys: config.apiKeys,
    provided,
    ...(kubernetesBackups && { pgbackrestCertificates: pgbackrestCertificatePlan(ENDPOINTS.postgres.host, config.namespace) }),
  });
  let loadTestGate: string | undefined;
  if (config.platform === "kubernetes") {
    const provider = new k8s.Provider("kubernetes", {
      ...(config.kubeContext ? { context: config.kubeContext } : {}),
      namespace: config.namespace,
      enableServerSideApply: true,
    });
    const addressing = kubernetesAddressing(config.namespace);
    const [specs, tasks] = [planStack(config, addressing), planTasks(config, addressing)];
    const builds = imageBuilds(specs, tasks, kubernetesBackups ? [OPS_BUILD] : []);
    const builder = builds.length > 0 ? new docker.Provider("docker-build", config.dockerHost ? { host: config.dockerHost } : {}) : undefined;
    const images = Object.fromEntries(builds.map((b) => [b.name, pushImage(`supabase-push-${b.name}`, b, config.backup.imageRegistry ?? "", { provider: builder! })]));
    const platform = new KubernetesPlatform("supabase", { specs, tasks, config, secrets: secrets.values, images }, { provider });
    if (kubernetesBackups) {
      new KubernetesBackupSchedule(
        "supabase-backup",
        { config, jobs: planBackupJobs(config, addressing), image: images[OPS_BUILD.name]!, secrets: secrets.values },
        { provider, dependsOn: [platform] },
      );
    }
    if (testRun && testRunArchive) {
      const { host, port } = INFRASTRUCTURE_JOBS.prometheus;
      const run = new LoadTestRun(
        "loadtest",
        {
          run: {
            name: testRun.name,
            stack: config.env,
            namespace: config.namespace,
            scenario: testRun.scenario,
            target: testRun.target,
            limits: config.realtime,
            parallelism: testRun.parallelism,
            supabaseUrl: config.publicUrl,
            prometheusRemoteWriteUrl: `http://${addressing.address(host)}:${port}/api/v1/write`,
            runnerImage: K6_RUNNER_IMAGE,
          },
          archive: testRunArchive,
          secrets: secrets.values,
        },
        { provider, dependsOn: [platform] },
      );
      loadTestGate = run.gateQuery;
    }
  } else {
    const provider = new docker.Provider("docker", config.dockerHost ? { host: config.dockerHost } : {});
    const addressing = dockerAddressing();
    const [specs, tasks] = [planStack(config, addressing), planTasks(config, addressing)];
    const backup = deploysBackups(config) ? planDockerBackup(config, addressing) : undefined;
    new DockerPlatform("supabase", { specs, tasks, config, secrets: secrets.values, ...(backup && { backup }) }, { provider });
  }
  return {
    apiUrl: config.publicUrl,
    anonKey: pulumi.unsecret(secrets.values.anonKey),
    serviceRoleKey: secrets.values.serviceRoleKey,
    dashboardPassword: secrets.values.dashboardPassword,
    grafanaAdminPassword: secrets.values.grafanaAdminPassword,
    pgbackrestCipherPass: secrets.values.pgbackrestCipherPass,
    backupEncryptionKey: secrets.values.backupEncryptionKey,
    platform: config.platform,
    ...(loadTestGate !== undefined && { loadTestGate }),
  };
}
