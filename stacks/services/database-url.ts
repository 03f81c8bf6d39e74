import type { Addressing, Template } from "../model.js";
import type { SecretName } from "../secret-names.js";
import { ref, tpl } from "../template.js";
import { ENDPOINTS } from "./endpoints.js";

/** The database every service uses. */
export const DATABASE_NAME = "postgres";

/** A postgres:// URL to the stack's database for one role; the password stays a secret reference. */
export function databaseUrl(user: string, password: SecretName, addressing: Addressing): Template {
  const { host, port } = ENDPOINTS.postgres;
  return tpl`postgres://${user}:${ref(password)}@${addressing.address(host)}:${port}/${DATABASE_NAME}`;
}
