import type { Addressing } from "../../model.js";

/** On the Docker network every container carries its spec's host label as an alias, so the label is the address. */
export function dockerAddressing(): Addressing {
  return { address: (host) => host };
}
