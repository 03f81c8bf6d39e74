import type { Recorded } from "./harness.js";

/** One string leaf of a resource's inputs with its JSON path. */
export interface Leaf {
  /** JSON path such as spec.template.spec.containers[0].env[3].value. */
  readonly path: string;
  /** The string value. */
  readonly value: string;
}

/** Every string leaf of a value. */
export function stringLeaves(value: unknown, path = ""): Leaf[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Whether `path` lies inside one of the secret paths. */
export function underSecret(path: string, secretPaths: readonly string[]): boolean {
  return secretPaths.some((s) => s === "" || path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
}

/** Leaves that carry one of `secrets` without being marked secret. */
export function plaintextSecrets(resource: Recorded, secrets: readonly string[]): Leaf[] {
  return stringLeaves(resource.inputs).filter(
    (leaf) => secrets.some((s) => leaf.value.includes(s)) && !underSecret(leaf.path, resource.secretPaths),
  );
}
