import type * as k8s from "@pulumi/kubernetes";
import type { types } from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec, SidecarSpec, VolumeSpec } from "../../model.js";
import { containerParts } from "./container.js";
import { escapeExpansion } from "./env.js";
import { RESERVED_VOLUMES, type FileObjectNames } from "./files.js";
import { podLabels, selectorLabels, serviceLabels, type LabelContext } from "./labels.js";
import { scrapeAnnotations } from "./metrics.js";
import { probesFor } from "./probes.js";
import { containerSecurityContext, podSecurityContext } from "./security.js";
import { governingServiceName } from "./service.js";

/** Inputs to one service's workload. */
export interface WorkloadArgs {
  /** The service. */
  readonly spec: ServiceSpec;
  /** Namespace of the workload. */
  readonly namespace: pulumi.Input<string>;
  /** Instance and env for labels. */
  readonly labels: LabelContext;
  /** Name of the Secret holding the env values that reference secrets. */
  readonly envSecret?: pulumi.Input<string>;
  /** Names of the objects that carry the service's files. */
  readonly files: FileObjectNames;
  /** The image of the main container when it is a pushed build; the spec's pinned image otherwise. */
  readonly image?: pulumi.Input<string>;
  /** Where each sidecar's image, secret env and files come from, in the order of `spec.sidecars`. */
  readonly sidecars?: readonly SidecarSources[];
}

/** One sidecar with the objects it references. */
export interface SidecarSources {
  /** The sidecar. */
  readonly spec: SidecarSpec;
  /** Its image. */
  readonly image: pulumi.Input<string>;
  /** Name of the Secret holding its secret env. */
  readonly envSecret?: pulumi.Input<string>;
  /** Names of the objects that carry its files. */
  readonly files: FileObjectNames;
}

const DEPLOYMENT_REVISION_HISTORY = 5;

/** The Deployment of a stateless service: zero-unavailable rolling updates. */
export function deploymentArgs(args: WorkloadArgs): k8s.apps.v1.DeploymentArgs {
  const { spec } = args;
  if (spec.kind !== "stateless") throw new Error(`${spec.name}: a Deployment runs stateless services only`);
  if (spec.volumes.length > 0) throw new Error(`${spec.name}: a stateless service cannot have persistent volumes`);
  return {
    metadata: { name: spec.host, namespace: args.namespace, labels: serviceLabels(spec, args.labels) },
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: DEPLOYMENT_REVISION_HISTORY,
      selector: { matchLabels: selectorLabels(spec, args.labels) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: podTemplate(args),
    },
  };
}

/** The DaemonSet of a per-node service: one pod on every node, replaced one node at a time. */
export function daemonSetArgs(args: WorkloadArgs): k8s.apps.v1.DaemonSetArgs {
  const { spec } = args;
  if (spec.kind !== "per-node") throw new Error(`${spec.name}: a DaemonSet runs per-node services only`);
  if (spec.volumes.length > 0) throw new Error(`${spec.name}: a per-node service cannot have persistent volumes`);
  return {
    metadata: { name: spec.host, namespace: args.namespace, labels: serviceLabels(spec, args.labels) },
    spec: {
      revisionHistoryLimit: DEPLOYMENT_REVISION_HISTORY,
      selector: { matchLabels: selectorLabels(spec, args.labels) },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: podTemplate(args),
    },
  };
}

/**
 * The StatefulSet of a stateful service: one claim per spec volume, kept when the set is deleted or scaled down.
 * Claim templates carry only what cannot change, since any change to them replaces the set.
 */
export function statefulSetArgs(args: WorkloadArgs): k8s.apps.v1.StatefulSetArgs {
  const { spec } = args;
  if (spec.kind !== "stateful") throw new Error(`${spec.name}: a StatefulSet runs stateful services only`);
  return {
    metadata: { name: spec.host, namespace: args.namespace, labels: serviceLabels(spec, args.labels) },
    spec: {
      replicas: spec.replicas,
      serviceName: governingServiceName(spec),
      selector: { matchLabels: selectorLabels(spec, args.labels) },
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: podTemplate(args),
      volumeClaimTemplates: spec.volumes.filter((v) => !v.ephemeral).map((v) => ({
        metadata: { name: v.name },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: v.size } },
          ...(v.storageClass === undefined ? {} : { storageClassName: v.storageClass }),
        },
      })),
    },
  };
}

/**
 * The pod template: the service's container, then its sidecars, each with env, files, probes, resources and a
 * locked-down security context; ephemeral volumes are emptyDirs the containers share. Only a log collector gets its
 * ServiceAccount token, for the Kubernetes API.
 */
export function podTemplate(args: WorkloadArgs): types.input.core.v1.PodTemplateSpec {
  const { spec } = args;
  const reserved = Object.values(RESERVED_VOLUMES) as string[];
  const clash = spec.volumes.find((v) => reserved.includes(v.name));
  if (clash) throw new Error(`${spec.name}: volume name '${clash.name}' is reserved (${reserved.join(", ")})`);
  const main = containerParts(spec, { image: args.image ?? spec.image, envSecret: args.envSecret, files: args.files, mounts: spec.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) });
  const sidecars = sidecarContainers(spec, args.sidecars ?? []);
  const ephemeral = spec.volumes.filter((v) => v.ephemeral).map((v) => ({ name: v.name, emptyDir: { sizeLimit: v.size } }));
  const annotations = scrapeAnnotations(spec);
  const seeded = spec.volumes.filter((v) => v.seedFromImage);
  return {
    metadata: { labels: podLabels(spec, args.labels), ...(Object.keys(annotations).length > 0 && { annotations }) },
    spec: {
      serviceAccountName: spec.host,
      automountServiceAccountToken: spec.logCollector === true,
      enableServiceLinks: false,
      securityContext: podSecurityContext(spec.security),
      ...(spec.kind !== "per-node" && spec.replicas >= 2 && {
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selectorLabels(spec, args.labels) } },
        ],
      }),
      ...(seeded.length > 0 && { initContainers: seeded.map((v) => seedContainer(spec, args.image ?? spec.image, v)) }),
      containers: [{ ...main.container, ports: containerPorts(spec), ...probesFor(spec) }, ...sidecars.map((s) => s.container)],
      volumes: [...main.volumes, ...sidecars.flatMap((s) => s.volumes), ...ephemeral],
    },
  };
}

function containerPorts(spec: Pick<ServiceSpec, "ports">): types.input.core.v1.ContainerPort[] {
  return spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }));
}

/** The sidecars of a spec, mounting the service's volumes they name; each sidecar needs its sources. */
function sidecarContainers(spec: ServiceSpec, sources: readonly SidecarSources[]): { container: types.input.core.v1.Container; volumes: types.input.core.v1.Volume[] }[] {
  const declared = spec.sidecars ?? [];
  if (declared.length !== sources.length || declared.some((s, i) => sources[i]!.spec !== s)) {
    throw new Error(`${spec.name}: sidecars ${declared.map((s) => s.name).join(", ") || "none"} need their sources in the same order`);
  }
  return sources.map((sidecar) => {
    const mounts = sidecar.spec.mounts.map((m) => {
      const volume = spec.volumes.find((v) => v.name === m.volume);
      if (!volume) throw new Error(`${spec.name}: sidecar ${sidecar.spec.name} mounts '${m.volume}', which is not a volume of the service (${spec.volumes.map((v) => v.name).join(", ")})`);
      return { name: volume.name, mountPath: m.mountPath ?? volume.mountPath, ...(m.readOnly && { readOnly: true }) };
    });
    const parts = containerParts(sidecar.spec, { image: sidecar.image, envSecret: sidecar.envSecret, files: sidecar.files, mounts, volumePrefix: `${sidecar.spec.name}-` });
    return { container: { ...parts.container, ports: containerPorts(sidecar.spec), ...probesFor(sidecar.spec) }, volumes: parts.volumes };
  });
}

const SEED_MOUNT = "/seed";

/** Copies the image's files at the volume's mount path into the claim while the claim is empty. */
function seedContainer(spec: ServiceSpec, image: pulumi.Input<string>, volume: VolumeSpec): types.input.core.v1.Container {
  const script = `if [ -z "$(ls -A ${SEED_MOUNT})" ]; then cp -a ${volume.mountPath}/. ${SEED_MOUNT}/; fi`;
  return {
    name: `seed-${volume.name}`,
    image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", escapeExpansion(script)],
    resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
    securityContext: containerSecurityContext(spec.security),
    volumeMounts: [{ name: volume.name, mountPath: SEED_MOUNT }],
  };
}
