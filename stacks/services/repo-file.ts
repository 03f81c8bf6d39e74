import { readFileSync } from "node:fs";

const REPO_ROOT = new URL("../../", import.meta.url);

/** Reads a file of the repository (path relative to its root), the single source of configs such as kong/kong.yml. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, REPO_ROOT), "utf8");
}
