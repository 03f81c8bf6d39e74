import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import type { SecretName } from "../../secret-names.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoDirectoryFiles, repoFile } from "../repo-file.js";
import { secretFile } from "../secret-file.js";
import { serviceBasics } from "../service-basics.js";
import { NOBODY } from "./prometheus.js";

const CONFIG_DIR = "/etc/alertmanager";
const DATA_PATH = "/alertmanager";

/** The receiver secret files monitoring/alertmanager/alertmanager.yml reads (`*_file` fields), by file name. */
const RECEIVER_SECRET_FILES: Readonly<Record<string, SecretName>> = {
  "slack-webhook-url": "slackWebhookUrl",
  "pagerduty-routing-key": "pagerdutyRoutingKey",
  "heartbeat-token": "heartbeatToken",
};

/**
 * Alertmanager with the committed config and templates; receiver secrets are files from secret config (empty when
 * unset). One instance: `--cluster.listen-address=` turns off the gossip an HA pair would need.
 */
export function planAlertmanager(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.alertmanager;
  return {
    ...serviceBasics("alertmanager", config),
    host,
    kind: "stateful",
    args: [`--config.file=${CONFIG_DIR}/alertmanager.yml`, `--storage.path=${DATA_PATH}`, "--cluster.listen-address="],
    env: {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/-/ready", "http"), liveness: httpProbe("/-/healthy", "http") }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: DATA_PATH, ...config.monitoring.storage.alertmanager }],
    files: [
      repoFile("monitoring/alertmanager/alertmanager.yml", `${CONFIG_DIR}/alertmanager.yml`),
      ...repoDirectoryFiles("monitoring/alertmanager/templates", `${CONFIG_DIR}/templates`, ".tmpl"),
      ...Object.entries(RECEIVER_SECRET_FILES).map(([name, secret]) => secretFile(name, `${CONFIG_DIR}/secrets/${name}`, secret)),
    ],
    dependsOn: [],
    security: { runAsUser: NOBODY, fsGroup: NOBODY, readOnlyRootFilesystem: true },
  };
}
