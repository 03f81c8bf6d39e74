import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { builtImageName } from "../../image-build.js";
import type { ImageBuild } from "../../model.js";

/**
 * Builds an image of the repository with the Docker engine of the machine running `pulumi up` and pushes it to
 * `registry` (credentials from `docker login`); pods run it by digest, so a rebuild with other content rolls them.
 */
export function pushImage(id: string, build: ImageBuild, registry: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  return new docker.Image(
    id,
    { build: { context: build.context, dockerfile: build.dockerfile, args: { ...build.args } }, imageName: builtImageName(build, registry), skipPush: false },
    opts,
  ).repoDigest;
}
