import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoDirectoryFiles, repoFile } from "../repo-file.js";
import { serviceBasics } from "../service-basics.js";

/** The loki user of the official image. */
const LOKI_UID = 10001;
const CONFIG_PATH = "/etc/loki/loki.yml";
/** The ruler reads `<directory>/<tenant>/*.yml`; with auth_enabled false the tenant is `fake`. */
const RULES_DIR = "/etc/loki/rules/fake";

/**
 * Loki, single binary on filesystem storage (monitoring/loki/loki.yml) with the committed log alert rules; chunks,
 * index and the compactor's retention state live on the /loki volume.
 */
export function planLoki(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.loki;
  return {
    ...serviceBasics("loki", config),
    host,
    kind: "stateful",
    args: [`-config.file=${CONFIG_PATH}`],
    env: {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/ready", "http"), liveness: { tcp: { port: "http" } }, startPeriodSeconds: 60 }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: "/loki", ...config.monitoring.storage.loki }],
    files: [repoFile("monitoring/loki/loki.yml", CONFIG_PATH), ...repoDirectoryFiles("monitoring/loki/rules", RULES_DIR, ".yml")],
    dependsOn: [],
    security: { runAsUser: LOKI_UID, fsGroup: LOKI_UID, readOnlyRootFilesystem: true },
  };
}
