import type { ServiceSpec } from "../model.js";

/** Refuses specs with sidecars on a platform that runs one container per service, instead of dropping them. */
export function refuseSidecars(specs: readonly ServiceSpec[], platform: string): void {
  const spec = specs.find((s) => (s.sidecars ?? []).length > 0);
  if (spec) throw new Error(`${spec.name}: sidecars (${spec.sidecars!.map((s) => s.name).join(", ")}) run on the kubernetes platform only, not on ${platform}`);
}
