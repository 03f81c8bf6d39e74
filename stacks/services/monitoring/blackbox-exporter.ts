import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { BLACKBOX_EXPORTER } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoFile } from "../repo-file.js";
import { serviceBasics } from "../service-basics.js";
import { NOBODY } from "./prometheus.js";

const CONFIG_PATH = "/etc/blackbox_exporter/config.yml";

/** The blackbox exporter that runs the gateway probes with the modules of monitoring/prometheus/exporters/blackbox.yml. */
export function planBlackboxExporter(config: StackConfig): ServiceSpec {
  const { host, port } = BLACKBOX_EXPORTER;
  return {
    ...serviceBasics("blackbox-exporter", config),
    host,
    kind: "stateless",
    args: [`--config.file=${CONFIG_PATH}`],
    env: {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/-/healthy", "http"), liveness: httpProbe("/-/healthy", "http") }),
    replicas: 1,
    volumes: [],
    files: [repoFile("monitoring/prometheus/exporters/blackbox.yml", CONFIG_PATH)],
    dependsOn: [],
    security: { runAsUser: NOBODY, readOnlyRootFilesystem: true },
  };
}
