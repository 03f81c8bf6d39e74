import { cpuMillis, memoryBytes, type Resources } from "../../config.js";

/** Container limits in the units Docker and compose take. */
export interface DockerLimits {
  /** Memory limit in MiB (the provider's `memory` is in MB of 2^20 bytes). */
  readonly memoryMiB: number;
  /** CPUs as a decimal string, e.g. "0.5" (Docker turns it into NanoCPUs). */
  readonly cpus: string;
}

/** Converts the spec's Kubernetes-style limits. */
export function dockerLimits(resources: Resources): DockerLimits {
  return {
    memoryMiB: Math.floor(memoryBytes(resources.limits.memory) / 2 ** 20),
    cpus: String(cpuMillis(resources.limits.cpu) / 1000),
  };
}
