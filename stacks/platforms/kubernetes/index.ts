import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ComponentName, StackConfig } from "../../config.js";
import type { ContainerSpec, ServiceSpec, TaskSpec } from "../../model.js";
import type { SecretValues } from "../../secrets.js";
import { kubernetesAddressing } from "./addressing.js";
import { createConfigObjects } from "./config-objects.js";
import { disruptionBudgetArgs, needsDisruptionBudget } from "./disruption.js";
import { ingressArgs, publicEndpoint } from "./ingress.js";
import { jobArgs } from "./job.js";
import { serviceLabels, stackLabels, type LabelContext } from "./labels.js";
import { logReaderBindingArgs, logReaderRoleArgs } from "./log-access.js";
import { dependencyOrder } from "../order.js";
import { clusterServiceArgs, headlessServiceArgs, headlessServiceNames } from "./service.js";
import { daemonSetArgs, deploymentArgs, statefulSetArgs, type WorkloadArgs } from "./workload.js";

/** Inputs to the Kubernetes rendering of a stack. */
export interface KubernetesPlatformArgs {
  /** The platform-neutral services to run. */
  readonly specs: readonly ServiceSpec[];
  /** Run-to-completion steps, each a Job between the service it follows and those it precedes. */
  readonly tasks: readonly TaskSpec[];
  /** The validated stack configuration (namespace, ingress, public URL, protection). */
  readonly config: StackConfig;
  /** The stack's secret values, delivered only through Kubernetes Secrets. */
  readonly secrets: SecretValues;
  /** The pushed image of each build the specs name, by build name. */
  readonly images?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * Renders service specs into one namespace: per service a ServiceAccount, Services, Secrets and ConfigMaps,
 * a Deployment, StatefulSet or DaemonSet and, for replicated stateless services, a PodDisruptionBudget; a log
 * collector's Role and RoleBinding; plus the Ingress of the public port. Pass the explicit Kubernetes provider as
 * `opts.provider`.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  /** The namespace every object lives in. */
  readonly namespace: pulumi.Output<string>;
  /** In-cluster DNS name of each service's Service. */
  readonly addresses: Readonly<Partial<Record<ComponentName, string>>>;
  /** Host name the Ingress serves, when a service has a public port. */
  readonly publicHost: string | undefined;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:kubernetes:Platform", name, {}, opts);
    const { specs, tasks, config, secrets } = args;
    const imageOf = (c: ContainerSpec): pulumi.Input<string> => {
      if (!c.build) return c.image;
      const pushed = args.images?.[c.build.name];
      if (pushed === undefined) throw new Error(`${c.name}: no pushed image for build ${c.build.name}; pass it in images`);
      return pushed;
    };
    const labels: LabelContext = { instance: name, env: config.env };
    const child = { parent: this };
    const protect = { ...child, protect: config.protectDatabase };

    const ns = new k8s.core.v1.Namespace(name, { metadata: { name: config.namespace, labels: stackLabels(labels) } }, protect);
    this.namespace = ns.metadata.name;
    const namespace = this.namespace;

    const workloads = new Map<ComponentName, pulumi.Resource>();
    const jobs = new Map<string, k8s.batch.v1.Job>();
    const clusterServices = new Map<ComponentName, k8s.core.v1.Service>();
    for (const spec of dependencyOrder(specs)) {
      const id = `${name}-${spec.name}`;
      const account = new k8s.core.v1.ServiceAccount(
        id,
        {
          metadata: { name: spec.host, namespace, labels: serviceLabels(spec, labels), ...(spec.identityAnnotations && { annotations: { ...spec.identityAnnotations } }) },
          automountServiceAccountToken: false,
        },
        child,
      );
      clusterServices.set(spec.name, new k8s.core.v1.Service(id, clusterServiceArgs(spec, namespace, labels), child));
      for (const headless of headlessServiceNames(spec)) {
        new k8s.core.v1.Service(`${name}-${headless}`, headlessServiceArgs(spec, headless, namespace, labels), child);
      }
      const objects = createConfigObjects(id, { spec, namespace, labels: serviceLabels(spec, labels), secrets }, child);
      const sidecars = (spec.sidecars ?? []).map((sidecar) => {
        const sidecarObjects = createConfigObjects(`${id}-${sidecar.name}`, { spec: sidecar, namespace, labels: serviceLabels(spec, labels), secrets }, child);
        return {
          spec: sidecar,
          image: imageOf(sidecar),
          envSecret: sidecarObjects.envSecret?.metadata.name,
          files: { configMap: sidecarObjects.fileConfigMap?.metadata.name, secret: sidecarObjects.fileSecret?.metadata.name },
        };
      });
      const workloadArgs: WorkloadArgs = {
        spec,
        namespace,
        labels,
        envSecret: objects.envSecret?.metadata.name,
        files: { configMap: objects.fileConfigMap?.metadata.name, secret: objects.fileSecret?.metadata.name },
        image: imageOf(spec),
        sidecars,
      };
      const access = spec.logCollector
        ? [
            new k8s.rbac.v1.Role(id, logReaderRoleArgs(spec, namespace, labels), child),
            new k8s.rbac.v1.RoleBinding(id, logReaderBindingArgs(spec, namespace, labels), child),
          ]
        : [];
      const dependsOn = [account, ...access, ...spec.dependsOn.map((d) => workloads.get(d)!), ...tasksBefore(tasks, spec, jobs)];
      workloads.set(spec.name, workload(id, spec, workloadArgs, { child, protect, dependsOn }));
      for (const task of tasks.filter((t) => t.after === spec.name)) {
        const taskId = `${name}-${task.name}`;
        const taskLabels = serviceLabels(task, labels);
        const taskObjects = createConfigObjects(taskId, { spec: task, namespace, labels: taskLabels, secrets }, child);
        const job = jobArgs({
          task,
          image: imageOf(task),
          namespace,
          labels,
          envSecret: taskObjects.envSecret?.metadata.name,
          files: { configMap: taskObjects.fileConfigMap?.metadata.name, secret: taskObjects.fileSecret?.metadata.name },
        });
        jobs.set(task.name, new k8s.batch.v1.Job(taskId, job, { ...child, dependsOn: [workloads.get(spec.name)!], replaceOnChanges: ["spec"] }));
      }
      if (needsDisruptionBudget(spec)) {
        new k8s.policy.v1.PodDisruptionBudget(id, disruptionBudgetArgs(spec, namespace, labels), child);
      }
    }

    const endpoint = publicEndpoint(specs);
    if (endpoint) {
      new k8s.networking.v1.Ingress(`${name}-${endpoint.spec.name}`, ingressArgs(endpoint, config, namespace, labels), {
        ...child,
        dependsOn: [clusterServices.get(endpoint.spec.name)!],
      });
    }
    const addressing = kubernetesAddressing(config.namespace);
    this.addresses = Object.fromEntries(specs.map((s) => [s.name, addressing.address(s.host)]));
    this.publicHost = endpoint && new URL(config.publicUrl).hostname;
    this.registerOutputs({ namespace: this.namespace, addresses: this.addresses, publicHost: this.publicHost });
  }
}

/** The workload that runs a spec of its kind; a StatefulSet's claim templates are left to volume expansion. */
function workload(
  id: string,
  spec: ServiceSpec,
  args: WorkloadArgs,
  opts: { child: pulumi.CustomResourceOptions; protect: pulumi.CustomResourceOptions; dependsOn: pulumi.Resource[] },
): pulumi.Resource {
  const { child, protect, dependsOn } = opts;
  switch (spec.kind) {
    case "stateful":
      return new k8s.apps.v1.StatefulSet(id, statefulSetArgs(args), { ...protect, dependsOn, ignoreChanges: ["spec.volumeClaimTemplates"] });
    case "per-node":
      return new k8s.apps.v1.DaemonSet(id, daemonSetArgs(args), { ...child, dependsOn });
    case "stateless":
      return new k8s.apps.v1.Deployment(id, deploymentArgs(args), { ...child, dependsOn });
  }
}

/** The Jobs a service waits for; a task that should precede it but has not run yet is an ordering error. */
function tasksBefore(tasks: readonly TaskSpec[], spec: ServiceSpec, jobs: ReadonlyMap<string, k8s.batch.v1.Job>): k8s.batch.v1.Job[] {
  return tasks
    .filter((t) => t.before.includes(spec.name))
    .map((t) => {
      const job = jobs.get(t.name);
      if (!job) throw new Error(`task ${t.name} must run before ${spec.name} but follows ${t.after}, which starts later`);
      return job;
    });
}
