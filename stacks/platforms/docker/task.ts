import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { TaskSpec } from "../../model.js";
import { resolve, type SecretValues } from "../../secrets.js";
import { dockerLimits } from "./limits.js";

/** Everything one task container needs besides its spec. */
export interface TaskContainerInputs {
  /** The task the container runs. */
  readonly task: TaskSpec;
  /** Docker name of the container. */
  readonly name: string;
  /** Image to run, pinned by ID. */
  readonly image: pulumi.Input<string>;
  /** Name of the network the container joins. */
  readonly network: pulumi.Input<string>;
  /** Values of the stack's secrets. */
  readonly secrets: SecretValues;
}

/** Docker label a service carries once a task it waits for has succeeded. */
export const taskGateLabel = (task: TaskSpec): string => `supabase.task.${task.name}`;

/**
 * The container of a one-shot task: created, attached to until it exits, never restarted. Its files are uploaded
 * before it starts, so its root stays writable.
 */
export function taskContainerArgs(i: TaskContainerInputs): docker.ContainerArgs {
  const { task } = i;
  const limits = dockerLimits(task.resources);
  return {
    name: i.name,
    image: i.image,
    ...(task.command ? { entrypoints: [...task.command] } : {}),
    ...(task.args ? { command: [...task.args] } : {}),
    envs: Object.entries(task.env).map(([key, value]) => pulumi.interpolate`${key}=${resolve(value, i.secrets)}`),
    uploads: task.files.map((file) => ({ file: file.mountPath, content: resolve(file.content, i.secrets), permissions: "0444" })),
    networksAdvanced: [{ name: i.network }],
    attach: true,
    logs: true,
    mustRun: false,
    restart: "no",
    memory: limits.memoryMiB,
    memorySwap: limits.memoryMiB,
    cpus: limits.cpus,
    ...(task.security.runAsUser !== undefined ? { user: String(task.security.runAsUser) } : {}),
    labels: Object.entries(task.logLabels).map(([label, value]) => ({ label, value })),
  };
}

/**
 * Resolves to "succeeded" once the task exited 0. The provider records a non-zero exit without failing, so the
 * services that need the task carry this value as a label: they are never created after a failed run, and the
 * deployment stops with the task's exit code.
 */
export function taskGate(task: TaskSpec, containerName: string, container: docker.Container): pulumi.Output<string> {
  return container.exitCode.apply((code) => checkExit(task, containerName, code));
}

/** "succeeded" for exit code 0; otherwise an error naming the task, its exit code and where its output is. */
export function checkExit(task: TaskSpec, containerName: string, code: number | undefined): string {
  if (code !== 0) {
    throw new Error(`${task.name} exited with code ${code}: see \`docker logs ${containerName}\` on the Docker host; nothing that needs it was started`);
  }
  return "succeeded";
}
