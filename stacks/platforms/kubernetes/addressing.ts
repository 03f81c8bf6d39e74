import type { Addressing } from "../../model.js";

/** Cluster DNS: a service host label resolves to its Service in the stack's namespace. */
export function kubernetesAddressing(namespace: string): Addressing {
  return { address: (host) => `${host}.${namespace}.svc.cluster.local` };
}
