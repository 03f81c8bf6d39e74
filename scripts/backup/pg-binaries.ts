import { join } from "node:path";
import type { Env } from "../lib/secrets.js";

/** A PostgreSQL program: from PG_BIN_DIR when set (to pick a major version), else from PATH. */
export function pgBinary(name: string, env: Env): string {
  const dir = env["PG_BIN_DIR"];
  return dir ? join(dir, name) : name;
}
