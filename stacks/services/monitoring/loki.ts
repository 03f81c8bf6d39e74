import type { StackConfig } from "../../config.js";
import type { ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { healthSpec, httpProbe } from "../health.js";
import { repoDirectoryFiles, repoFile } from "../repo-file.js";
import { serviceBasics } from "../service-basics.js";
import { ref, tpl } from "../../template.js";

/** The loki user of the official image. */
const LOKI_UID = 10001;
const CONFIG_PATH = "/etc/loki/loki.yml";
/** The ruler reads `<directory>/<tenant>/*.yml`; with auth_enabled false the tenant is `fake`. */
const RULES_DIR = "/etc/loki/rules/fake";

/**
 * Loki, single binary with the committed log alert rules: on filesystem storage (monitoring/loki/loki.yml), or on
 * the object store of `monitoring.lokiObjectStore` (monitoring/loki/loki.object-store.yml, expanded from env). The
 * /loki volume holds the chunks and index, or the object store's cache, and the compactor's retention state.
 */
export function planLoki(config: StackConfig): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.loki;
  const store = config.monitoring.lokiObjectStore;
  return {
    ...serviceBasics("loki", config),
    host,
    kind: "stateful",
    args: [`-config.file=${CONFIG_PATH}`, ...(store ? ["-config.expand-env=true"] : [])],
    env: store
      ? {
          LOKI_S3_ENDPOINT: store.endpoint,
          LOKI_S3_REGION: store.region,
          LOKI_S3_BUCKET: store.bucket,
          LOKI_S3_ACCESS_KEY_ID: tpl`${ref("lokiS3AccessKeyId")}`,
          LOKI_S3_SECRET_ACCESS_KEY: tpl`${ref("lokiS3SecretAccessKey")}`,
        }
      : {},
    ports: [{ name: "http", port }],
    health: healthSpec({ readiness: httpProbe("/ready", "http"), liveness: { tcp: { port: "http" } }, startPeriodSeconds: 60 }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: "/loki", ...config.monitoring.storage.loki }],
    files: [repoFile(store ? "monitoring/loki/loki.object-store.yml" : "monitoring/loki/loki.yml", CONFIG_PATH), ...repoDirectoryFiles("monitoring/loki/rules", RULES_DIR, ".yml")],
    dependsOn: [],
    security: { runAsUser: LOKI_UID, fsGroup: LOKI_UID, readOnlyRootFilesystem: true },
  };
}
