import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { TaskSpec } from "../../model.js";
import { containerEnv, escapeExpansion } from "./env.js";
import { fileMounts, RESERVED_VOLUMES, type FileObjectNames } from "./files.js";
import { podLabels, serviceLabels, type LabelContext } from "./labels.js";
import { containerSecurityContext, podSecurityContext } from "./security.js";

/** Inputs to one task's Job. */
export interface JobArgs {
  /** The task. */
  readonly task: TaskSpec;
  /** Namespace of the Job. */
  readonly namespace: pulumi.Input<string>;
  /** Instance and env for labels. */
  readonly labels: LabelContext;
  /** Name of the Secret holding the env values that reference secrets. */
  readonly envSecret?: pulumi.Input<string>;
  /** Names of the objects that carry the task's files. */
  readonly files: FileObjectNames;
}

/** Attempts before the Job, and with it the deployment, counts as failed. */
const BACKOFF_LIMIT = 2;

/**
 * The Job that runs a task once. It is autonamed: a change to its env Secret or files renames them, which changes
 * the pod template and so replaces the Job, running the task again.
 */
export function jobArgs(args: JobArgs): k8s.batch.v1.JobArgs {
  const { task } = args;
  const files = fileMounts(task, args.files);
  const tmp = task.security.readOnlyRootFilesystem;
  return {
    metadata: { namespace: args.namespace, labels: serviceLabels(task, args.labels) },
    spec: {
      backoffLimit: BACKOFF_LIMIT,
      activeDeadlineSeconds: task.timeoutSeconds,
      template: {
        metadata: { labels: podLabels(task, args.labels) },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(task.security),
          containers: [
            {
              name: task.name,
              image: task.image,
              imagePullPolicy: "IfNotPresent",
              ...(task.command && { command: task.command.map(escapeExpansion) }),
              ...(task.args && { args: task.args.map(escapeExpansion) }),
              env: containerEnv(task, args.envSecret),
              resources: { requests: { ...task.resources.requests }, limits: { ...task.resources.limits } },
              securityContext: containerSecurityContext(task.security),
              volumeMounts: [...files.volumeMounts, ...(tmp ? [{ name: RESERVED_VOLUMES.tmp, mountPath: "/tmp" }] : [])],
            },
          ],
          volumes: [...files.volumes, ...(tmp ? [{ name: RESERVED_VOLUMES.tmp, emptyDir: {} }] : [])],
        },
      },
    },
  };
}
