import type { ComponentName, StackConfig } from "../config.js";
import type { ServiceSpec } from "../model.js";
import { imageFor } from "../versions.js";

/** The fields every spec derives the same way from config: image, resources and log labels. */
export function serviceBasics(name: ComponentName, config: StackConfig): Pick<ServiceSpec, "name" | "image" | "resources" | "logLabels"> {
  return {
    name,
    image: imageFor(name, config.images),
    resources: config.resources[name],
    logLabels: { service: name, env: config.env },
  };
}
