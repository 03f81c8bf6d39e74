import type { StackConfig } from "../../config.js";
import type { Addressing, ServiceSpec } from "../../model.js";
import { planAlertmanager } from "./alertmanager.js";
import { planAlloy } from "./alloy.js";
import { planBlackboxExporter } from "./blackbox-exporter.js";
import { planGrafana } from "./grafana.js";
import { planLoki } from "./loki.js";
import { planNodeExporter } from "./node-exporter.js";
import { planPostgresExporter } from "./postgres-exporter.js";
import { planPrometheus } from "./prometheus.js";
import { planPushgateway } from "./pushgateway.js";
import { planRedisExporter } from "./redis-exporter.js";

/**
 * The monitoring components, none when `monitoring.enabled` is false. Prometheus scrapes the given core services
 * through jobs generated from their specs, and every component here through the fixed jobs of
 * stacks/monitoring/infrastructure-jobs.ts, whose hosts and ports these specs take.
 */
export function planMonitoring(config: StackConfig, addressing: Addressing, services: readonly ServiceSpec[]): ServiceSpec[] {
  if (!config.monitoring.enabled) return [];
  return [
    planPrometheus(config, addressing, services),
    planAlertmanager(config),
    planGrafana(config),
    planLoki(config),
    planAlloy(config, addressing),
    planPushgateway(config),
    planPostgresExporter(config, addressing),
    planRedisExporter(config, addressing),
    planBlackboxExporter(config),
    planNodeExporter(config),
  ];
}
