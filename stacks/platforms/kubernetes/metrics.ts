import type { ServiceSpec } from "../../model.js";

/**
 * Prometheus pod annotations (scrape, port number, path) derived from `spec.metrics`. A bearer token is not
 * rendered here: the scrape job reads it from Prometheus's own secret file.
 */
export function scrapeAnnotations(spec: ServiceSpec): Record<string, string> {
  if (!spec.metrics) return {};
  const { port: name, path } = spec.metrics;
  const port = spec.ports.find((p) => p.name === name);
  if (!port) throw new Error(`${spec.name}: metrics port '${name}' is not one of the service's ports`);
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(port.port), "prometheus.io/path": path };
}
