import type { StackConfig } from "../config.js";
import type { Addressing, ServiceSpec, TaskSpec } from "../model.js";
import { planAuth } from "./auth.js";
import { planDatabaseBootstrap } from "./database-bootstrap.js";
import { planKong } from "./kong.js";
import { planMonitoring } from "./monitoring/index.js";
import { planPostgres } from "./postgres.js";
import { planRealtime } from "./realtime.js";
import { planRedis } from "./redis.js";
import { planRest } from "./rest.js";

/** The core services, in dependency order: postgres, redis, auth, rest, realtime, kong. */
export function planServices(config: StackConfig, addressing: Addressing): ServiceSpec[] {
  return [
    planPostgres(config, addressing),
    planRedis(config),
    planAuth(config, addressing),
    planRest(config, addressing),
    planRealtime(config, addressing),
    planKong(config, addressing),
  ];
}

/** Everything the stack runs: the core services, then the monitoring components when monitoring is enabled. */
export function planStack(config: StackConfig, addressing: Addressing): ServiceSpec[] {
  const services = planServices(config, addressing);
  return [...services, ...planMonitoring(config, addressing, services)];
}

/** The run-to-completion steps of the stack: the database bootstrap. */
export function planTasks(config: StackConfig, addressing: Addressing): TaskSpec[] {
  return [planDatabaseBootstrap(config, addressing)];
}
