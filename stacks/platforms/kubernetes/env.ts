import type { types } from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, Template } from "../../model.js";
import { holdsSecret, render } from "../../template.js";

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Escapes Kubernetes' `$(VAR)` expansion in env values, command and args, so they reach the process as written
 * (as on Docker): every `$` becomes `$$`, which Kubernetes reduces back to `$`.
 */
export function escapeExpansion(value: string): string {
  return value.replaceAll("$", () => "$$");
}

/** The env entries that hold a secret, by variable name, in spec order. */
export function secretEnv(spec: ContainerSpec): Record<string, Template> {
  const out: Record<string, Template> = {};
  for (const [name, value] of Object.entries(spec.env)) {
    if (typeof value === "string" || !holdsSecret(value)) continue;
    if (!SECRET_KEY.test(name)) throw new Error(`${spec.name}: env '${name}' holds a secret but is not a valid Secret key`);
    out[name] = value;
  }
  return out;
}

/**
 * The container env in spec order: plain values inline, secret ones from `secretName` by variable name,
 * and the pod IP in `cluster.podIpEnv` when the spec forms a cluster.
 */
export function containerEnv(spec: ContainerSpec, secretName: pulumi.Input<string> | undefined): types.input.core.v1.EnvVar[] {
  const env: types.input.core.v1.EnvVar[] = Object.entries(spec.env).map(([name, value]) => {
    if (typeof value !== "string" && holdsSecret(value)) {
      if (secretName === undefined) throw new Error(`${spec.name}: env '${name}' holds a secret but no Secret was given`);
      return { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } };
    }
    return { name, value: escapeExpansion(render(value, () => "")) };
  });
  if (spec.cluster) {
    const { podIpEnv } = spec.cluster;
    if (podIpEnv in spec.env) throw new Error(`${spec.name}: env '${podIpEnv}' is set both by the spec and as cluster.podIpEnv`);
    env.push({ name: podIpEnv, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } });
  }
  return env;
}
