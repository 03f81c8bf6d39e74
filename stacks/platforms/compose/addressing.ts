import type { Addressing } from "../../model.js";

/** Compose gives every service its host label as a network alias, so the label is the address. */
export function composeAddressing(): Addressing {
  return { address: (host) => host };
}
