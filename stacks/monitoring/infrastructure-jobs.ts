/** A scrape job for a component that is not a ServiceSpec: an exporter, the Pushgateway or the monitoring stack itself. */
export interface InfrastructureJob {
  /** Host label of the component; the platform's Addressing turns it into an address. */
  readonly host: string;
  /** Port serving /metrics. */
  readonly port: number;
  /** Keep the job and instance labels of pushed series instead of the Pushgateway's own. */
  readonly honorLabels?: boolean;
  /** One instance per node (a host-network DaemonSet on Kubernetes whose headless Service lists every node). */
  readonly perNode?: boolean;
  /** Prometheus scraping itself: always localhost. */
  readonly self?: boolean;
}

/**
 * The fixed scrape jobs. The job name is the `service` label of the component's alerts: the postgres and redis
 * jobs scrape their exporters, which report on the database and the cache.
 */
export const INFRASTRUCTURE_JOBS = {
  postgres: { host: "postgres-exporter", port: 9187 },
  redis: { host: "redis-exporter", port: 9121 },
  node: { host: "node-exporter", port: 9100, perNode: true },
  pushgateway: { host: "pushgateway", port: 9091, honorLabels: true },
  prometheus: { host: "prometheus", port: 9090, self: true },
  alertmanager: { host: "alertmanager", port: 9093 },
  loki: { host: "loki", port: 3100 },
  alloy: { host: "alloy", port: 12345 },
  grafana: { host: "grafana", port: 3000 },
} as const satisfies Record<string, InfrastructureJob>;

export type InfrastructureJobName = keyof typeof INFRASTRUCTURE_JOBS;

/** The blackbox exporter, which Prometheus asks to run each probe. */
export const BLACKBOX_EXPORTER: InfrastructureJob = { host: "blackbox-exporter", port: 9115 };
