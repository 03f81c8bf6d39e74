import type { StackConfig } from "../config.js";
import type { ServiceSpec, Template } from "../model.js";
import { ref, tpl } from "../template.js";
import { ENDPOINTS } from "./endpoints.js";
import { healthSpec } from "./health.js";
import { serviceBasics } from "./service-basics.js";

/** The redis user and group of the official image. */
const REDIS_UID = 999;
const DATA_PATH = "/data";
const CONF_PATH = "/usr/local/etc/redis/redis.conf";

/** redis.conf: password from the secret, AOF plus RDB snapshots on the data volume, memory cap and eviction from config. */
export function redisConf(config: StackConfig): Template {
  return tpl`port ${ENDPOINTS.redis.port}
bind * -::*
requirepass ${ref("redisPassword")}
dir ${DATA_PATH}
appendonly yes
appendfsync everysec
save 3600 1 300 100 60 10000
maxmemory ${config.redis.maxmemory}
maxmemory-policy ${config.redis.maxmemoryPolicy}
`;
}

const ping = ["sh", "-c", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping | grep -q PONG'];

/** Redis with persistence; the password reaches the server through its config file and the probe through a secret env. */
export function planRedis(config: StackConfig): ServiceSpec {
  const { host, port } = ENDPOINTS.redis;
  return {
    ...serviceBasics("redis", config),
    host,
    kind: "stateful",
    args: ["redis-server", CONF_PATH],
    env: { REDIS_PASSWORD: tpl`${ref("redisPassword")}` },
    ports: [{ name: "redis", port }],
    health: healthSpec({ readiness: { exec: ping }, liveness: { exec: ping }, startPeriodSeconds: 30 }),
    replicas: 1,
    volumes: [{ name: "data", mountPath: DATA_PATH, ...config.storage.redis }],
    files: [{ name: "redis.conf", mountPath: CONF_PATH, content: redisConf(config) }],
    dependsOn: [],
    security: { runAsUser: REDIS_UID, fsGroup: REDIS_UID, readOnlyRootFilesystem: true },
  };
}
