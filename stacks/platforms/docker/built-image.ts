import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { builtImageName } from "../../image-build.js";
import type { ImageBuild } from "../../model.js";

/** Builds an image of the repository on the Docker host (never pushed); containers run it by its image ID, `repoDigest`. */
export function buildLocalImage(id: string, build: ImageBuild, opts: pulumi.CustomResourceOptions): docker.Image {
  return new docker.Image(
    id,
    { build: { context: build.context, dockerfile: build.dockerfile, args: { ...build.args } }, imageName: builtImageName(build), skipPush: true },
    opts,
  );
}
