import type * as k8s from "@pulumi/kubernetes";
import type { types } from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec, VolumeSpec } from "../../model.js";
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
      volumeClaimTemplates: spec.volumes.map((v) => ({
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
 * The pod template: one container with env, files, probes, resources and a locked-down security context. Only a log
 * collector gets its ServiceAccount token, for the Kubernetes API.
 */
export function podTemplate(args: WorkloadArgs): types.input.core.v1.PodTemplateSpec {
  const { spec } = args;
  const reserved = Object.values(RESERVED_VOLUMES) as string[];
  const clash = spec.volumes.find((v) => reserved.includes(v.name));
  if (clash) throw new Error(`${spec.name}: volume name '${clash.name}' is reserved (${reserved.join(", ")})`);
  const main = containerParts(spec, args.envSecret, args.files, spec.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })));
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
      ...(seeded.length > 0 && { initContainers: seeded.map((v) => seedContainer(spec, v)) }),
      containers: [{ ...main.container, ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })), ...probesFor(spec) }],
      volumes: main.volumes,
    },
  };
}

const SEED_MOUNT = "/seed";

/** Copies the image's files at the volume's mount path into the claim while the claim is empty. */
function seedContainer(spec: ServiceSpec, volume: VolumeSpec): types.input.core.v1.Container {
  const script = `if [ -z "$(ls -A ${SEED_MOUNT})" ]; then cp -a ${volume.mountPath}/. ${SEED_MOUNT}/; fi`;
  return {
    name: `seed-${volume.name}`,
    image: spec.image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", escapeExpansion(script)],
    resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
    securityContext: containerSecurityContext(spec.security),
    volumeMounts: [{ name: volume.name, mountPath: SEED_MOUNT }],
  };
}
