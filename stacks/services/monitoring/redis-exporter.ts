import type { StackConfig } from "../../config.js";
import type { Addressing, ServiceSpec } from "../../model.js";
import { INFRASTRUCTURE_JOBS } from "../../monitoring/infrastructure-jobs.js";
import { ref, tpl } from "../../template.js";
import { ENDPOINTS } from "../endpoints.js";
import { healthSpec, httpProbe } from "../health.js";
import { serviceBasics } from "../service-basics.js";

/** The user the redis_exporter image runs as. */
const EXPORTER_UID = 59000;

/** redis_exporter with the Redis password as a secret env value. */
export function planRedisExporter(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = INFRASTRUCTURE_JOBS.redis;
  return {
    ...serviceBasics("redis-exporter", config),
    host,
    kind: "stateless",
    env: {
      REDIS_ADDR: `redis://${addressing.address(ENDPOINTS.redis.host)}:${ENDPOINTS.redis.port}`,
      REDIS_PASSWORD: tpl`${ref("redisPassword")}`,
    },
    ports: [{ name: "metrics", port }],
    health: healthSpec({ readiness: httpProbe("/", "metrics"), liveness: httpProbe("/", "metrics") }),
    replicas: 1,
    volumes: [],
    files: [],
    dependsOn: ["redis"],
    security: { runAsUser: EXPORTER_UID, readOnlyRootFilesystem: true },
  };
}
