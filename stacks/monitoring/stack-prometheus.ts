import type { StackConfig } from "../config.js";
import type { Addressing, ServiceSpec } from "../model.js";
import { renderPrometheusConfig, type Discovery } from "./scrape-config.js";

/** Docker runs one container per service at its alias; Kubernetes publishes each service's pods in headless DNS. */
export function discoveryFor(config: Pick<StackConfig, "platform">): Discovery {
  return config.platform === "kubernetes" ? "dns" : "static";
}

/** prometheus.yml for a planned stack, as the program mounts it at /etc/prometheus/prometheus.yml. */
export function stackPrometheusConfig(config: StackConfig, specs: readonly ServiceSpec[], addressing: Addressing): string {
  return renderPrometheusConfig({ specs, addressing, env: config.env, discovery: discoveryFor(config), publicUrl: config.publicUrl });
}
