import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../stack-files.js";

/** Reads a file of the repository (path relative to its root), the single source of configs such as kong/kong.yml. */
export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), "utf8");
}
