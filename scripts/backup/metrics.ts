import { Gauge, Pushgateway, Registry } from "prom-client";
import { BACKUP_JOB, BACKUP_METRICS, DRILL_METRICS, type BackupKind } from "../../stacks/monitoring/backup-metrics.js";
import type { Env } from "../lib/secrets.js";

/** Where and under which `env` label results are pushed; absent when PUSHGATEWAY_URL is not set. */
export interface MetricsTarget {
  readonly gatewayUrl: string;
  readonly env: string;
}

/** One finished backup run. */
export interface BackupRun {
  readonly kind: BackupKind;
  readonly finishedAt: Date;
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly success: boolean;
}

/** One finished restore drill. */
export interface DrillRun {
  readonly finishedAt: Date;
  readonly durationSeconds: number;
  readonly success: boolean;
}

/** Reads PUSHGATEWAY_URL and BACKUP_ENV (the `env` label, required with a gateway); undefined when no gateway is configured. */
export function metricsTargetFromEnv(env: Env): MetricsTarget | undefined {
  const gatewayUrl = env["PUSHGATEWAY_URL"];
  if (!gatewayUrl) return undefined;
  if (!URL.canParse(gatewayUrl) || !/^https?:$/.test(new URL(gatewayUrl).protocol)) throw new Error(`PUSHGATEWAY_URL: got '${gatewayUrl}'; expected an http(s) URL such as http://pushgateway:9091`);
  const label = env["BACKUP_ENV"];
  if (!label || !/^[a-z0-9][a-z0-9_-]*$/.test(label)) throw new Error(`BACKUP_ENV: got '${label ?? ""}'; expected the stack name (dev, staging, prod) used as the env label`);
  return { gatewayUrl, env: label };
}

function gauge(registry: Registry, name: string, help: string, value: number): void {
  new Gauge({ name, help, registers: [registry] }).set(value);
}

async function push(target: MetricsTarget, registry: Registry, groupings: Record<string, string>): Promise<void> {
  const gateway = new Pushgateway(target.gatewayUrl, { timeout: 10_000 }, registry);
  await gateway.pushAdd({ jobName: BACKUP_JOB, groupings });
}

/**
 * Pushes one backup run with POST (add) semantics: the pushed series replace those of the same name in the group and
 * leave the others, so a failure, which never carries last_success, keeps the last success timestamp.
 */
export async function pushBackupRun(target: MetricsTarget, run: BackupRun): Promise<void> {
  const registry = new Registry();
  const at = run.finishedAt.getTime() / 1000;
  gauge(registry, BACKUP_METRICS.lastRun, "When the last backup run of this kind finished, success or not.", at);
  gauge(registry, BACKUP_METRICS.duration, "How long the last backup run took.", run.durationSeconds);
  gauge(registry, BACKUP_METRICS.size, "Bytes the last backup run stored (0 when it failed early).", run.sizeBytes);
  gauge(registry, BACKUP_METRICS.success, "1 when the last backup run succeeded completely, 0 otherwise.", run.success ? 1 : 0);
  if (run.success) gauge(registry, BACKUP_METRICS.lastSuccess, "When the last successful backup of this kind finished.", at);
  await push(target, registry, { kind: run.kind, env: target.env });
}

/** Pushes one restore drill with the same semantics: last_success only on success. */
export async function pushDrillRun(target: MetricsTarget, run: DrillRun): Promise<void> {
  const registry = new Registry();
  gauge(registry, DRILL_METRICS.duration, "How long the last restore drill took (restore until the copy answered): the measured RTO.", run.durationSeconds);
  gauge(registry, DRILL_METRICS.success, "1 when the last restore drill passed every check, 0 otherwise.", run.success ? 1 : 0);
  if (run.success) gauge(registry, DRILL_METRICS.lastSuccess, "When the last successful restore drill finished.", run.finishedAt.getTime() / 1000);
  await push(target, registry, { env: target.env });
}
