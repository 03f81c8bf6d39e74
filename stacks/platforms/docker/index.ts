import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerBackupPlan } from "../../backup/docker-backup.js";
import type { ComponentName, StackConfig } from "../../config.js";
import type { ContainerSpec, ServiceSpec, TaskSpec } from "../../model.js";
import { dockerHostName } from "../../docker-host.js";
import type { SecretValues } from "../../secrets.js";
import { backupSchedulerArgs } from "./backup-scheduler.js";
import { refuseSidecars } from "../sidecars.js";
import { buildLocalImage } from "./built-image.js";
import { containerArgs } from "./container.js";
import { dependencyOrder } from "../order.js";
import { publicPort } from "./public-port.js";
import { taskContainerArgs, taskGate, taskGateLabel } from "./task.js";

/** Inputs of the Docker platform. */
export interface DockerPlatformArgs {
  /** The planned services; each becomes one container. */
  readonly specs: readonly ServiceSpec[];
  /** Run-to-completion steps, each a one-shot container between the service it follows and those it precedes. */
  readonly tasks: readonly TaskSpec[];
  /** The validated stack configuration (env names resources, gatewayPort publishes the gateway). */
  readonly config: StackConfig;
  /** The stack's secrets, delivered as secret env and secret uploads. */
  readonly secrets: SecretValues;
  /** The backup schedule, run by an ops container beside the database; none when backups are off. */
  readonly backup?: DockerBackupPlan;
}

/**
 * Runs the specs on one Docker host: a network, a pulled image per distinct reference, a retained volume per spec
 * volume and a health-checked container per spec, created in dependency order (each waits until its dependencies
 * are healthy). The caller passes the docker Provider in `opts.provider`.
 */
export class DockerPlatform extends pulumi.ComponentResource {
  /** The bridge network whose aliases are the services' host labels. */
  readonly network: docker.Network;
  /** The container of each service. */
  readonly containers: Readonly<Partial<Record<ComponentName, docker.Container>>>;
  /** The persistent volumes, retained when removed from the program. */
  readonly volumes: readonly docker.Volume[];
  /** Where the gateway answers on the Docker host. */
  readonly gatewayUrl: string;

  constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:docker:Platform", name, {}, opts);
    const { specs, tasks, config, secrets } = args;
    const prefix = `supabase-${config.env}`;
    const child = { parent: this };
    publicPort(specs);
    refuseSidecars(specs, "docker");

    this.network = new docker.Network(`${name}-network`, { name: prefix }, child);

    const images = new Map<string, pulumi.Output<string>>();
    for (const image of new Set([...specs, ...tasks].filter((s) => !s.build).map((s) => s.image))) {
      images.set(image, new docker.RemoteImage(`${name}-image-${slug(image)}`, { name: image, keepLocally: true }, child).imageId);
    }
    const builds = new Map<string, pulumi.Output<string>>();
    for (const s of [...specs, ...tasks]) {
      if (s.build && !builds.has(s.build.name)) builds.set(s.build.name, buildLocalImage(`${name}-build-${s.build.name}`, s.build, child).repoDigest);
    }
    const imageOf = (s: ContainerSpec): pulumi.Output<string> => (s.build ? builds.get(s.build.name)! : images.get(s.image)!);

    const volumes: docker.Volume[] = [];
    const volumesOf = new Map<ComponentName, ReadonlyMap<string, pulumi.Output<string>>>();
    const containers: Partial<Record<ComponentName, docker.Container>> = {};
    const taskRuns = new Map<string, { container: docker.Container; gate: pulumi.Output<string> }>();
    for (const spec of dependencyOrder(specs)) {
      const waitsFor = tasks.filter((t) => t.before.includes(spec.name));
      const notRun = waitsFor.find((t) => !taskRuns.has(t.name));
      if (notRun) throw new Error(`task ${notRun.name} must run before ${spec.name} but follows ${notRun.after}, which starts later`);
      const volumeNames = new Map<string, pulumi.Output<string>>();
      for (const vol of spec.volumes) {
        const volume = new docker.Volume(
          `${name}-${spec.name}-${vol.name}`,
          { name: `${prefix}-${spec.name}-${vol.name}` },
          { ...child, retainOnDelete: true, protect: spec.kind === "stateful" && config.protectDatabase },
        );
        volumes.push(volume);
        volumeNames.set(vol.name, volume.name);
      }
      volumesOf.set(spec.name, volumeNames);
      containers[spec.name] = new docker.Container(
        `${name}-${spec.name}`,
        containerArgs({
          spec,
          name: `${prefix}-${spec.name}`,
          image: imageOf(spec),
          network: this.network.name,
          volumes: volumeNames,
          gatewayPort: config.gatewayPort,
          secrets,
          gates: Object.fromEntries(waitsFor.map((t) => [taskGateLabel(t), taskRuns.get(t.name)!.gate])),
        }),
        { ...child, dependsOn: [...spec.dependsOn.map((dep) => containers[dep]!), ...waitsFor.map((t) => taskRuns.get(t.name)!.container)] },
      );
      for (const task of tasks.filter((t) => t.after === spec.name)) {
        const containerName = `${prefix}-${task.name}`;
        const container = new docker.Container(
          `${name}-${task.name}`,
          taskContainerArgs({ task, name: containerName, image: imageOf(task), network: this.network.name, secrets }),
          { ...child, dependsOn: [containers[spec.name]!] },
        );
        taskRuns.set(task.name, { container, gate: taskGate(task, containerName, container) });
      }
    }
    if (args.backup) {
      const plan = args.backup;
      new docker.Container(
        `${name}-backup-scheduler`,
        backupSchedulerArgs({
          plan,
          name: `${prefix}-backup-scheduler`,
          image: buildLocalImage(`${name}-build-${plan.build.name}`, plan.build, child).repoDigest,
          network: this.network.name,
          volumes: volumesOf.get("postgres") ?? new Map(),
          secrets,
          labels: { service: "backup-scheduler", env: config.env },
        }),
        { ...child, dependsOn: [containers.postgres, containers.redis, ...[...taskRuns.values()].map((t) => t.container)].filter((r): r is docker.Container => r !== undefined) },
      );
    }
    this.containers = containers;
    this.volumes = volumes;
    this.gatewayUrl = `http://${dockerHostName(config.dockerHost)}:${config.gatewayPort}`;
    this.registerOutputs({ gatewayUrl: this.gatewayUrl, network: this.network.name });
  }
}

function slug(image: string): string {
  return image.replace(/@sha256:([a-f0-9]{12})[a-f0-9]*$/, "-$1").replace(/[^A-Za-z0-9.-]+/g, "-");
}
