import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
import type { FileSpec } from "../model.js";
import { REPO_ROOT } from "../stack-files.js";

/** Reads a file of the repository (path relative to its root), the single source of configs such as kong/kong.yml. */
export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), "utf8");
}

/** A repository file mounted verbatim at `mountPath`, with its source so compose can mount the file itself. */
export function repoFile(source: string, mountPath: string): FileSpec {
  return { name: posix.basename(source), mountPath, content: [readRepoFile(source)], source };
}

/** Every file of a repository directory whose name ends with `extension`, in name order, mounted under `mountDir`. */
export function repoDirectoryFiles(sourceDir: string, mountDir: string, extension: string): FileSpec[] {
  return readdirSync(join(REPO_ROOT, sourceDir))
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => repoFile(`${sourceDir}/${name}`, `${mountDir}/${name}`));
}

/** The bytes of a file named by config key `key` (absolute, or relative to the repository); a missing file is an error naming both. */
export function readRepoFileBytes(path: string, key: string): Buffer {
  const full = isAbsolute(path) ? path : join(REPO_ROOT, path);
  if (!existsSync(full)) throw new Error(`supabase:${key}: got "${path}", where there is no file; expected the archive built by k6 archive (runbooks/load-testing.md)`);
  return readFileSync(full);
}
