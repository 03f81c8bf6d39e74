import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { FileSpec, ServiceSpec } from "../../model.js";
import { resolve, type SecretValues } from "../../secrets.js";
import { holdsSecret } from "../../template.js";
import { DOCKER_SOCKET } from "./docker-socket.js";
import { healthTest, healthyWithinSeconds } from "./healthcheck.js";
import { RESTART_POLICY, STOP_GRACE_SECONDS } from "./lifecycle.js";
import { dockerLimits } from "./limits.js";

/** Everything one container needs besides its spec. */
export interface ContainerInputs {
  /** The service the container runs. */
  readonly spec: ServiceSpec;
  /** Docker name of the container. */
  readonly name: string;
  /** Image to run, pinned by digest. */
  readonly image: pulumi.Input<string>;
  /** Name of the network the container joins. */
  readonly network: pulumi.Input<string>;
  /** Docker volume name for every one of the spec's volumes, by spec volume name. */
  readonly volumes: ReadonlyMap<string, pulumi.Input<string>>;
  /** Host port on which the spec's public port is published. */
  readonly gatewayPort: number;
  /** Values of the stack's secrets. */
  readonly secrets: SecretValues;
  /** Labels that resolve only once the tasks the service waits for have succeeded. */
  readonly gates?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The Container inputs for one spec.
 * The provider uploads files into the container before it starts, which Docker refuses on a read-only root
 * ("container rootfs is marked read-only"), so a spec with files keeps a writable root here.
 */
export function containerArgs(i: ContainerInputs): docker.ContainerArgs {
  const { spec } = i;
  const { health, security } = spec;
  const limits = dockerLimits(spec.resources);
  const readOnly = security.readOnlyRootFilesystem && spec.files.length === 0;
  return {
    name: i.name,
    image: i.image,
    ...(spec.command ? { entrypoints: [...spec.command] } : {}),
    ...(spec.args ? { command: [...spec.args] } : {}),
    envs: Object.entries(spec.env).map(([key, value]) => pulumi.interpolate`${key}=${resolve(value, i.secrets)}`),
    uploads: spec.files.map((file) => upload(file, spec, i.secrets)),
    volumes: [
      ...spec.volumes.map((v) => ({ volumeName: i.volumes.get(v.name)!, containerPath: v.mountPath })),
      ...(spec.logCollector ? [{ hostPath: DOCKER_SOCKET, containerPath: DOCKER_SOCKET, readOnly: true }] : []),
    ],
    networksAdvanced: [{ name: i.network, aliases: [spec.host] }],
    ports: spec.ports.flatMap((p) => {
      if (p.public) return [{ internal: p.port, external: i.gatewayPort, ip: "0.0.0.0", protocol: "tcp" }];
      if (p.loopbackPort !== undefined) return [{ internal: p.port, external: p.loopbackPort, ip: "127.0.0.1", protocol: "tcp" }];
      return [];
    }),
    healthcheck: {
      tests: healthTest(spec),
      interval: `${health.intervalSeconds}s`,
      timeout: `${health.timeoutSeconds}s`,
      startPeriod: `${health.startPeriodSeconds}s`,
      retries: health.failureThreshold,
    },
    wait: true,
    waitTimeout: healthyWithinSeconds(health),
    restart: RESTART_POLICY,
    destroyGraceSeconds: STOP_GRACE_SECONDS,
    memory: limits.memoryMiB,
    memorySwap: limits.memoryMiB,
    cpus: limits.cpus,
    ...(security.nofile !== undefined ? { ulimits: [{ name: "nofile", soft: security.nofile, hard: security.nofile }] } : {}),
    ...(security.runAsUser !== undefined ? { user: String(security.runAsUser) } : {}),
    ...(readOnly ? { readOnly: true, tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m" } } : {}),
    labels: Object.entries({ ...spec.logLabels, ...i.gates }).map(([label, value]) => ({ label, value })),
  };
}

/** A file upload; a secret file is readable by the service's user only when that user is known. */
function upload(file: FileSpec, spec: ServiceSpec, secrets: SecretValues): docker.types.input.ContainerUpload {
  const owner = spec.security.runAsUser;
  const ownership = owner === undefined ? {} : { owner: String(owner), group: String(spec.security.fsGroup ?? owner) };
  return {
    file: file.mountPath,
    content: resolve(file.content, secrets),
    permissions: holdsSecret(file.content) && owner !== undefined ? "0440" : "0444",
    ...ownership,
  };
}

