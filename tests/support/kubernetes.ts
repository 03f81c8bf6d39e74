import type { Recorded } from "./harness.js";

interface Validatable {
  validate(): void;
}

/** Kubernetes objects among the recorded resources (not providers, not Pulumi components). */
export function kubernetesObjects(resources: readonly Recorded[]): Recorded[] {
  return resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));
}

/** Validates one object against the kubernetes-models schema of its apiVersion and kind; throws naming the object. */
export async function validateKubernetesObject(resource: Recorded): Promise<void> {
  const { apiVersion, kind } = resource.inputs as { apiVersion?: string; kind?: string };
  if (!apiVersion || !kind) throw new Error(`${resource.urn}: no apiVersion/kind in inputs`);
  let mod: Record<string, new (o: unknown) => Validatable>;
  try {
    mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
  } catch {
    throw new Error(`${resource.urn}: kubernetes-models has no schema for ${apiVersion} ${kind}`);
  }
  const Model = mod[kind] ?? mod["default"];
  if (!Model) throw new Error(`${resource.urn}: kubernetes-models exports no ${kind}`);
  try {
    new Model(resource.inputs).validate();
  } catch (e) {
    throw new Error(`${resource.urn} (${apiVersion} ${kind}) is invalid: ${(e as Error).message}`);
  }
}
