import type { StackConfig } from "../../config.js";
import { dockerHostName } from "../../docker-host.js";
import type { Addressing, ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoFile } from "../repo-file.js";
import { serviceBasics } from "../service-basics.js";

/** The alloy user of the official image, which owns its storage path. */
const ALLOY_UID = 473;
const CONFIG_PATH = "/etc/alloy/config.alloy";

/**
 * Grafana Alloy shipping the stack's container logs to Loki: monitoring/alloy/docker.alloy through the engine socket
 * on Docker (read as root, the socket's owner), kubernetes.alloy through the Kubernetes API on Kubernetes (one
 * replica tails every pod of the namespace; a DaemonSet would ship each line once per node).
 */
export function planAlloy(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.alloy;
  const loki = INFRASTRUCTURE_JOBS.loki;
  const kubernetes = config.platform === "kubernetes";
  return {
    ...serviceBasics("alloy", config),
    host,
    kind: "stateless",
    args: ["run", CONFIG_PATH, "--storage.path=/var/lib/alloy/data", `--server.http.listen-addr=0.0.0.0:${port}`],
    env: {
      LOKI_PUSH_URL: `http://${addressing.address(loki.host)}:${loki.port}/loki/api/v1/push`,
      ...(!kubernetes && { DOCKER_HOST_NAME: dockerHostName(config.dockerHost) }),
    },
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/-/ready", "http"), liveness: { tcp: { port: "http" } } }),
    replicas: 1,
    volumes: [],
    files: [repoFile(`monitoring/alloy/${kubernetes ? "kubernetes" : "docker"}.alloy`, CONFIG_PATH)],
    dependsOn: ["loki"],
    logCollector: true,
    security: { ...(kubernetes && { runAsUser: ALLOY_UID }), readOnlyRootFilesystem: false },
  };
}
