import { createHash } from "node:crypto";
import type { ImageBuild } from "./model.js";
import { readRepoFile } from "./services/repo-file.js";

/** The tag of a built image: a digest of its Dockerfile and build arguments, so the same inputs give the same tag. */
export function imageBuildTag(build: ImageBuild): string {
  const args = Object.entries(build.args).sort(([a], [b]) => a.localeCompare(b));
  return createHash("sha256").update(readRepoFile(build.dockerfile)).update(JSON.stringify(args)).digest("hex").slice(0, 16);
}

/** `<name>:<tag>` of a built image, under `registry` when it is pushed. */
export function builtImageName(build: ImageBuild, registry?: string): string {
  return `${registry ? `${registry}/` : ""}${build.name}:${imageBuildTag(build)}`;
}
