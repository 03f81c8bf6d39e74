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

/** Where a container's image, secret env, files and volumes come from. */
export interface ContainerSources {
  /** The image to run: the pinned one, or the pushed build of a spec with `build`. */
  readonly image: pulumi.Input<string>;
  /** Name of the Secret holding the env values that reference secrets. */
  readonly envSecret?: pulumi.Input<string>;
  /** Names of the objects that carry the files. */
  readonly files: FileObjectNames;
  /** Volume mounts placed first (a service's volumes). */
  readonly mounts?: readonly types.input.core.v1.VolumeMount[];
  /** Prefix of the file and /tmp volume names, so several containers of one pod keep theirs apart. */
  readonly volumePrefix?: string;
}

/**
 * What every rendered container shares, for services, their sidecars and tasks alike. `mounts` come first, then the
 * files, then /tmp when the root filesystem is read-only.
 */
export function containerParts(spec: ContainerSpec, sources: ContainerSources): ContainerParts {
  const prefix = sources.volumePrefix ?? "";
  const placed = fileMounts(spec, sources.files, prefix);
  const tmp = spec.security.readOnlyRootFilesystem;
  const tmpVolume = `${prefix}${RESERVED_VOLUMES.tmp}`;
  return {
    container: {
      name: spec.name,
      image: sources.image,
      imagePullPolicy: "IfNotPresent",
      ...(spec.command && { command: spec.command.map(escapeExpansion) }),
      ...(spec.args && { args: spec.args.map(escapeExpansion) }),
      env: containerEnv(spec, sources.envSecret),
      resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
      securityContext: containerSecurityContext(spec.security),
      volumeMounts: [...(sources.mounts ?? []), ...placed.volumeMounts, ...(tmp ? [{ name: tmpVolume, mountPath: "/tmp" }] : [])],
    },
    volumes: [...placed.volumes, ...(tmp ? [{ name: tmpVolume, emptyDir: {} }] : [])],
  };
}
