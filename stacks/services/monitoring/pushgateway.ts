import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { serviceBasics } from "../service-basics.js";
import { NOBODY } from "./prometheus.js";

const DATA_PATH = "/data";

/**
 * The Pushgateway batch jobs push to. It persists pushed groups to its volume: after a restart the backup series
 * (last success, last run) are back, instead of vanishing and silencing the alerts that read them.
 */
export function planPushgateway(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.pushgateway;
  return {
    ...serviceBasics("pushgateway", config),
    host,
    kind: "stateful",
    args: [`--persistence.file=${DATA_PATH}/pushgateway.db`, "--persistence.interval=1m"],
    env: {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/-/ready", "http"), liveness: httpProbe("/-/healthy", "http") }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: DATA_PATH, ...config.monitoring.storage.pushgateway }],
    files: [],
    dependsOn: [],
    security: { runAsUser: NOBODY, fsGroup: NOBODY, readOnlyRootFilesystem: true },
  };
}
