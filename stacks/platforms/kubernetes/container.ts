import type { types } from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec } from "../../model.js";
import { containerEnv, escapeExpansion } from "./env.js";
import { fileMounts, RESERVED_VOLUMES, type FileObjectNames } from "./files.js";
import { containerSecurityContext } from "./security.js";

/** A container and the pod volumes it needs. */
export interface ContainerParts {
  /** The container: image, command, env, resources, security context and mounts. */
  readonly container: types.input.core.v1.Container;
  /** The file volumes and, with a read-only root, the /tmp emptyDir. */
  readonly volumes: types.input.core.v1.Volume[];
}

/**
 * What every rendered container shares, for services and tasks alike. `mounts` come first (a service's persistent
 * volumes), then the files, then /tmp when the root filesystem is read-only.
 */
export function containerParts(
  spec: ContainerSpec,
  envSecret: pulumi.Input<string> | undefined,
  files: FileObjectNames,
  mounts: readonly types.input.core.v1.VolumeMount[] = [],
): ContainerParts {
  const placed = fileMounts(spec, files);
  const tmp = spec.security.readOnlyRootFilesystem;
  return {
    container: {
      name: spec.name,
      image: spec.image,
      imagePullPolicy: "IfNotPresent",
      ...(spec.command && { command: spec.command.map(escapeExpansion) }),
      ...(spec.args && { args: spec.args.map(escapeExpansion) }),
      env: containerEnv(spec, envSecret),
      resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
      securityContext: containerSecurityContext(spec.security),
      volumeMounts: [...mounts, ...placed.volumeMounts, ...(tmp ? [{ name: RESERVED_VOLUMES.tmp, mountPath: "/tmp" }] : [])],
    },
    volumes: [...placed.volumes, ...(tmp ? [{ name: RESERVED_VOLUMES.tmp, emptyDir: {} }] : [])],
  };
}
