import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { GRAFANA_PATHS, grafanaEnv } from "../../monitoring/grafana-env.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoDirectoryFiles } from "../repo-file.js";
import { secretFile } from "../secret-file.js";
import { serviceBasics } from "../service-basics.js";

/** The grafana user of the official image. */
const GRAFANA_UID = 472;
const DATA_PATH = "/var/lib/grafana";

/**
 * Grafana with the committed provisioning and dashboards, anonymous access and sign-up off, the admin password and
 * secret key read from secret files. Operators reach it on the Docker host's loopback port (an SSH tunnel from
 * elsewhere) or with `kubectl port-forward`; it is never published or routed through the gateway.
 */
export function planGrafana(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.grafana;
  const localPort = config.monitoring.grafanaPort;
  const provisioning = (kind: string) => repoDirectoryFiles(`monitoring/grafana/provisioning/${kind}`, `${GRAFANA_PATHS.provisioning}/${kind}`, ".yml");
  return {
    ...serviceBasics("grafana", config),
    host,
    kind: "stateful",
    env: grafanaEnv({ rootUrl: `http://localhost:${localPort}` }),
    ports: [{ name: "http", port, loopbackPort: localPort }],
    health: healthSpec({ readiness: httpProbe("/api/health", "http"), liveness: httpProbe("/api/health", "http"), startPeriodSeconds: 60 }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: DATA_PATH, ...config.monitoring.storage.grafana }],
    files: [
      ...provisioning("datasources"),
      ...provisioning("dashboards"),
      ...repoDirectoryFiles("monitoring/grafana/dashboards", GRAFANA_PATHS.dashboards, ".json"),
      secretFile("admin-password", GRAFANA_PATHS.adminPasswordFile, "grafanaAdminPassword"),
      secretFile("secret-key", GRAFANA_PATHS.secretKeyFile, "grafanaSecretKey"),
    ],
    dependsOn: [],
    security: { runAsUser: GRAFANA_UID, fsGroup: GRAFANA_UID, readOnlyRootFilesystem: false },
  };
}
