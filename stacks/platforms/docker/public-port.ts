import type { ComponentName } from "../../config.js";
import type { ServiceSpec } from "../../model.js";

/** The one port published on the Docker host. */
export interface PublicPort {
  /** The service that owns it (the gateway). */
  readonly service: ComponentName;
  /** Its container port. */
  readonly port: number;
}

/** The specs' only public port; throws unless exactly one port is marked public, since all share the gateway port. */
export function publicPort(specs: readonly ServiceSpec[]): PublicPort {
  const found = specs.flatMap((s) => s.ports.filter((p) => p.public).map((p) => ({ service: s.name, name: p.name, port: p.port })));
  if (found.length !== 1) {
    const list = found.map((p) => `${p.service}:${p.name}`).join(", ") || "none";
    throw new Error(`exactly one port must be public (the gateway's, published on the host); found ${list}`);
  }
  return { service: found[0]!.service, port: found[0]!.port };
}
