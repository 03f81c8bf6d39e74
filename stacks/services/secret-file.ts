import type { FileSpec } from "../model.js";
import type { SecretName } from "../secret-names.js";
import { ref } from "../template.js";

/** A file holding exactly one secret's value, so every platform delivers it as a secret. */
export function secretFile(name: string, mountPath: string, secret: SecretName): FileSpec {
  return { name, mountPath, content: [ref(secret)] };
}
