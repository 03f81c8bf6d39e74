import type { ComponentName, Resources } from "./config.js";
import type { SecretName } from "./secret-names.js";

/** A reference to one generated secret, resolved by each platform renderer. */
export interface SecretRef {
  /** Which generated secret this part stands for. */
  readonly secret: SecretName;
}

/** A string assembled from literal parts and secret references; it holds a secret when any part is a reference. */
export type Template = readonly (string | SecretRef)[];

/** A plain env value, or a template that holds a secret and is delivered as one. */
export type EnvValue = string | Template;

/** A port a service listens on. */
export interface PortSpec {
  /** Port name (≤15 chars, DNS label), referenced by probes and metrics. */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
  /** True only for the gateway's client-facing port: published on the Docker host, routed by the Ingress. */
  readonly public?: boolean;
  /** Host port on which Docker publishes this port on 127.0.0.1 only, for an operator; never routed on Kubernetes. */
  readonly loopbackPort?: number;
}

/** How a platform checks a container. */
export type Probe =
  | { readonly http: { readonly path: string; readonly port: string } }
  | { readonly exec: readonly string[] }
  | { readonly tcp: { readonly port: string } };

/** Liveness and readiness checks with their timing. */
export interface HealthSpec {
  /** Whether the container can take traffic. */
  readonly readiness: Probe;
  /** Whether the container must be restarted. */
  readonly liveness: Probe;
  /** Time allowed before failures count (slow first boot, migrations). */
  readonly startPeriodSeconds: number;
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Seconds one check may take. */
  readonly timeoutSeconds: number;
  /** Consecutive failures before the check fails. */
  readonly failureThreshold: number;
}

/** A persistent volume mounted into the service. */
export interface VolumeSpec {
  /** Volume name, unique within the service (DNS label). */
  readonly name: string;
  /** Where it is mounted. */
  readonly mountPath: string;
  /** Requested size, e.g. 10Gi. */
  readonly size: string;
  /** StorageClass on Kubernetes; the cluster default when unset. */
  readonly storageClass?: string;
  /** Copy what the image holds at mountPath into the volume while it is empty (Docker named volumes do so themselves). */
  readonly seedFromImage?: boolean;
  /** Scratch shared by the pod's containers (a socket directory): an emptyDir on Kubernetes, never a claim. */
  readonly ephemeral?: boolean;
}

/** A file mounted read-only into the container. */
export interface FileSpec {
  /** File name, unique within the service (DNS label plus dots). */
  readonly name: string;
  /** Absolute path of the file inside the container. */
  readonly mountPath: string;
  /** Content; when it references a secret the file is delivered as a secret. */
  readonly content: Template;
  /** Repository path the content is read from verbatim, when it is; lets compose mount the source itself. */
  readonly source?: string;
}

/** Where Prometheus scrapes the service. */
export interface MetricsSpec {
  /** Name of the port that serves metrics. */
  readonly port: string;
  /** HTTP path of the metrics endpoint. */
  readonly path: string;
  /** Bearer token Prometheus must send, read from a file. */
  readonly bearerToken?: SecretName;
}

/** Process identity and limits. */
export interface SecuritySpec {
  /** UID the main process runs as; the image default when unset. */
  readonly runAsUser?: number;
  /** GID owning mounted volumes. */
  readonly fsGroup?: number;
  /** Whether the image works with a read-only root filesystem. */
  readonly readOnlyRootFilesystem: boolean;
  /** Open-file limit (soft = hard) the process needs. */
  readonly nofile?: number;
}

/** Peer discovery for a service whose replicas form a cluster (Realtime's Erlang distribution). */
export interface ClusterSpec {
  /** Host label of the headless service through which replicas find each other. */
  readonly peersHost: string;
  /** Env var that receives the replica's own IP address, for its node name. */
  readonly podIpEnv: string;
}

/** An image the program builds from a Dockerfile of the repository on top of a pinned base. */
export interface ImageBuild {
  /** Repository name of the built image, such as supabase-postgres-pgbackrest. */
  readonly name: string;
  /** Build context, relative to the repository root. */
  readonly context: string;
  /** Dockerfile, relative to the repository root. */
  readonly dockerfile: string;
  /** Build arguments: the pinned versions the Dockerfile builds on. */
  readonly args: Readonly<Record<string, string>>;
}

/** What any container needs, whether it serves or runs to completion. */
export interface ContainerSpec {
  /** Name, unique within the stack (DNS label). */
  readonly name: string;
  /** Pinned image reference; with `build`, the base the built image starts from. */
  readonly image: string;
  /** Built by the program and run instead of `image`, when set. */
  readonly build?: ImageBuild;
  /** Overrides the image entrypoint. */
  readonly command?: readonly string[];
  /** Arguments to the entrypoint. */
  readonly args?: readonly string[];
  /** Environment; values that reference secrets are delivered as secrets. */
  readonly env: Readonly<Record<string, EnvValue>>;
  /** CPU and memory requests and limits. */
  readonly resources: Resources;
  /** Files mounted read-only. */
  readonly files: readonly FileSpec[];
  /** Labels attached to the container's logs and metrics. */
  readonly logLabels: Readonly<Record<string, string>>;
  /** Process identity and limits. */
  readonly security: SecuritySpec;
  /** Peer discovery, set when more than one replica runs. */
  readonly cluster?: ClusterSpec;
}

/**
 * How a service is replicated. Stateful services keep volumes and run as one ordered replica; a per-node service
 * runs once on every node (a DaemonSet on Kubernetes; the one container of the Docker host).
 */
export type ServiceKind = "stateless" | "stateful" | "per-node";

/** A volume of the service that a sidecar mounts too. */
export interface SharedMount {
  /** Name of a volume of the service. */
  readonly volume: string;
  /** Where the sidecar mounts it; the service's own mount path when unset. */
  readonly mountPath?: string;
  /** Mounted read-only. */
  readonly readOnly?: boolean;
}

/** A helper container in the service's pod (Kubernetes): shares its volumes and network, serves its own port. */
export interface SidecarSpec extends ContainerSpec {
  /** Ports the sidecar listens on; the service's Service exposes them too. */
  readonly ports: readonly PortSpec[];
  /** Volumes of the service it mounts. */
  readonly mounts: readonly SharedMount[];
  /** Liveness and readiness checks. */
  readonly health: HealthSpec;
}

/** Everything a platform needs to run one service, and nothing platform-specific. */
export interface ServiceSpec extends ContainerSpec {
  /** Logical name: a core service or a monitoring component. */
  readonly name: ComponentName;
  /** The DNS label peers use to reach the service (Realtime's doubles as its tenant id). */
  readonly host: string;
  /** How the service is replicated. */
  readonly kind: ServiceKind;
  /** Ports the service listens on. */
  readonly ports: readonly PortSpec[];
  /** Liveness and readiness checks. */
  readonly health: HealthSpec;
  /** Desired replicas (1 for stateful services; a per-node service runs one per node instead). */
  readonly replicas: number;
  /** Persistent volumes. */
  readonly volumes: readonly VolumeSpec[];
  /** Services that must be healthy before this one starts. */
  readonly dependsOn: readonly ComponentName[];
  /** Metrics endpoint, when the service exposes one. */
  readonly metrics?: MetricsSpec;
  /**
   * Reads the logs of every container of the stack: Docker mounts the engine socket read-only; Kubernetes lets the
   * pod's own ServiceAccount token get, list and watch pods and read pods/log in the namespace.
   */
  readonly logCollector?: boolean;
  /** Containers beside the main one in the same pod; rendered on Kubernetes only. */
  readonly sidecars?: readonly SidecarSpec[];
  /** Annotations of the service's identity (a Kubernetes ServiceAccount), such as a cloud IAM role binding. */
  readonly identityAnnotations?: Readonly<Record<string, string>>;
}

/** A run-to-completion step: it runs once a service is ready, and the services that need it start after it succeeds. */
export interface TaskSpec extends ContainerSpec {
  /** The service that must be ready before the task runs. */
  readonly after: ComponentName;
  /** Services that start only once the task has succeeded. */
  readonly before: readonly ComponentName[];
  /** Seconds one run may take before it counts as failed. */
  readonly timeoutSeconds: number;
}

/** How a platform names the address at which a service's host is reachable by its peers. */
export interface Addressing {
  /** The resolvable host name of a service host label on this platform. */
  address(host: string): string;
}
