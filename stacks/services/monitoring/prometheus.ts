import { memoryBytes, type StackConfig } from "../../config.js";
import type { Addressing, ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { REALTIME_LIMIT_RULE_FILE, renderRealtimeLimitRules } from "../../monitoring/realtime-limit-rules.js";
import { PROMETHEUS_BASE_DIR, scrapeSecrets } from "../../monitoring/scrape-config.js";
import { stackPrometheusConfig } from "../../monitoring/stack-prometheus.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoDirectoryFiles } from "../repo-file.js";
import { secretFile } from "../secret-file.js";
import { serviceBasics } from "../service-basics.js";

/** The nobody user the prom/* images run as. */
export const NOBODY = 65534;

const TSDB_PATH = "/prometheus";

/** Share of the TSDB volume Prometheus may fill before it drops the oldest blocks, whatever the retention time. */
const RETENTION_SIZE_SHARE = 0.8;

/** `--storage.tsdb.retention.size` for a volume size: a share of it, in Prometheus' base-2 MB. */
export function retentionSize(volumeSize: string): string {
  return `${Math.floor((memoryBytes(volumeSize) * RETENTION_SIZE_SHARE) / 2 ** 20)}MB`;
}

/**
 * Prometheus with the scrape config generated from the core services (and the remote-write receiver that k6 release
 * runs write their native histograms to), the committed rules plus the generated
 * Realtime limit rule, and one file per scrape secret under secrets/. Retention by time from config and by size
 * from the volume, so the TSDB never fills its volume.
 */
export function planPrometheus(config: StackConfig, addressing: Addressing, services: readonly ServiceSpec[]): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.prometheus;
  const storage = config.monitoring.storage.prometheus;
  return {
    ...serviceBasics("prometheus", config),
    host,
    kind: "stateful",
    args: [
      `--config.file=${PROMETHEUS_BASE_DIR}/prometheus.yml`,
      `--storage.tsdb.path=${TSDB_PATH}`,
      `--storage.tsdb.retention.time=${config.monitoring.retention}`,
      `--storage.tsdb.retention.size=${retentionSize(storage.size)}`,
      "--web.enable-remote-write-receiver",
      "--enable-feature=native-histograms",
    ],
    env: {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/-/ready", "http"), liveness: httpProbe("/-/healthy", "http"), startPeriodSeconds: 120 }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: TSDB_PATH, ...storage }],
    files: [
      { name: "prometheus.yml", mountPath: `${PROMETHEUS_BASE_DIR}/prometheus.yml`, content: [stackPrometheusConfig(config, services, addressing)] },
      ...repoDirectoryFiles("monitoring/prometheus/rules", `${PROMETHEUS_BASE_DIR}/rules`, ".yml"),
      { name: REALTIME_LIMIT_RULE_FILE, mountPath: `${PROMETHEUS_BASE_DIR}/rules/${REALTIME_LIMIT_RULE_FILE}`, content: [renderRealtimeLimitRules(config)] },
      ...scrapeSecrets(services).map((secret) => secretFile(secret, `${PROMETHEUS_BASE_DIR}/secrets/${secret}`, secret)),
    ],
    dependsOn: [],
    security: { runAsUser: NOBODY, fsGroup: NOBODY, readOnlyRootFilesystem: true },
  };
}
