import type { types } from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, FileSpec } from "../../model.js";
import { holdsSecret } from "../../template.js";

/** Pod volume names the renderer reserves; spec volumes must not use them. */
export const RESERVED_VOLUMES = { configFiles: "files-config", secretFiles: "files-secret", tmp: "tmp" } as const;

/** The spec's files, split by whether their content holds a secret. */
export function splitFiles(spec: ContainerSpec): { readonly plain: FileSpec[]; readonly secret: FileSpec[] } {
  return {
    plain: spec.files.filter((f) => !holdsSecret(f.content)),
    secret: spec.files.filter((f) => holdsSecret(f.content)),
  };
}

/** Names of the objects that carry a service's files. */
export interface FileObjectNames {
  /** ConfigMap with the files that hold no secret. */
  readonly configMap?: pulumi.Input<string>;
  /** Secret with the files that hold a secret. */
  readonly secret?: pulumi.Input<string>;
}

/** Volumes and read-only mounts that place each file (a key of its ConfigMap or Secret) at its mount path. */
export function fileMounts(
  spec: ContainerSpec,
  names: FileObjectNames,
  volumePrefix = "",
): { readonly volumes: types.input.core.v1.Volume[]; readonly volumeMounts: types.input.core.v1.VolumeMount[] } {
  const { plain, secret } = splitFiles(spec);
  const volumes: types.input.core.v1.Volume[] = [];
  const volumeMounts: types.input.core.v1.VolumeMount[] = [];
  const readMode = spec.security.fsGroup === undefined ? 0o444 : 0o440;
  const [configFiles, secretFiles] = [`${volumePrefix}${RESERVED_VOLUMES.configFiles}`, `${volumePrefix}${RESERVED_VOLUMES.secretFiles}`];
  if (plain.length > 0) {
    if (names.configMap === undefined) throw new Error(`${spec.name}: files need a ConfigMap`);
    volumes.push({ name: configFiles, configMap: { name: names.configMap, defaultMode: 0o444 } });
    volumeMounts.push(...plain.map((f) => mount(configFiles, f)));
  }
  if (secret.length > 0) {
    if (names.secret === undefined) throw new Error(`${spec.name}: files that hold secrets need a Secret`);
    volumes.push({ name: secretFiles, secret: { secretName: names.secret, defaultMode: readMode } });
    volumeMounts.push(...secret.map((f) => mount(secretFiles, f)));
  }
  return { volumes, volumeMounts };
}

function mount(volume: string, file: FileSpec): types.input.core.v1.VolumeMount {
  return { name: volume, mountPath: file.mountPath, subPath: file.name, readOnly: true };
}
