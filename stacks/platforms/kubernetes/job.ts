import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { TaskSpec } from "../../model.js";
import { containerParts } from "./container.js";
import type { FileObjectNames } from "./files.js";
import { podLabels, serviceLabels, type LabelContext } from "./labels.js";
import { podSecurityContext } from "./security.js";

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
  /** The pushed build, for a task with `build`. */
  readonly image?: pulumi.Input<string>;
}

/** Attempts before the Job, and with it the deployment, counts as failed. */
const BACKOFF_LIMIT = 2;

/**
 * The Job that runs a task once. It is autonamed: a change to its env Secret or files renames them, which changes
 * the pod template and so replaces the Job, running the task again.
 */
export function jobArgs(args: JobArgs): k8s.batch.v1.JobArgs {
  const { task } = args;
  const run = containerParts(task, { image: args.image ?? task.image, envSecret: args.envSecret, files: args.files });
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
          containers: [run.container],
          volumes: run.volumes,
        },
      },
    },
  };
}
