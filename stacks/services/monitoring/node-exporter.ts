import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { serviceBasics } from "../service-basics.js";
import { NOBODY } from "./prometheus.js";

/**
 * node_exporter once per node, as a plain unprivileged container: CPU, memory, load, vmstat and disk I/O come from
 * the host-wide /proc; network and filesystem metrics are the container's own (no host network, no host root mount).
 */
export function planNodeExporter(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.node;
  return {
    ...serviceBasics("node-exporter", config),
    host,
    kind: "per-node",
    env: {},
    ports: [{ name: "metrics", port }],
    health: healthSpec({ readiness: httpProbe("/", "metrics"), liveness: httpProbe("/", "metrics") }),
    replicas: 1,
    volumes: [],
    files: [],
    dependsOn: [],
    security: { runAsUser: NOBODY, readOnlyRootFilesystem: true },
  };
}
