import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_JOB, BACKUP_METRICS, DRILL_METRICS, PUSHGATEWAY_METRICS } from "../../stacks/monitoring/backup-metrics.js";
import { metricsTargetFromEnv, pushBackupRun, pushDrillRun, type MetricsTarget } from "../../scripts/backup/metrics.js";
import { startPushgateway, type PushgatewayServer } from "../support/pushgateway.js";

describe("backup metrics on a real Pushgateway", () => {
  let gateway: PushgatewayServer;
  let target: MetricsTarget;

  beforeAll(async () => {
    gateway = await startPushgateway();
    target = metricsTargetFromEnv({ PUSHGATEWAY_URL: gateway.url, BACKUP_ENV: "staging" })!;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it("pushes every series of a successful run under job, kind and env", async () => {
    await pushBackupRun(target, { kind: "logical", finishedAt: new Date(1_800_000_000_000), durationSeconds: 42.5, sizeBytes: 123456, success: true });
    const labels = { job: BACKUP_JOB, kind: "logical", env: "staging" };
    expect(await gateway.value(BACKUP_METRICS.lastSuccess, labels)).toBe(1_800_000_000);
    expect(await gateway.value(BACKUP_METRICS.lastRun, labels)).toBe(1_800_000_000);
    expect(await gateway.value(BACKUP_METRICS.duration, labels)).toBe(42.5);
    expect(await gateway.value(BACKUP_METRICS.size, labels)).toBe(123456);
    expect(await gateway.value(BACKUP_METRICS.success, labels)).toBe(1);
    expect(await gateway.value(PUSHGATEWAY_METRICS.pushTime, labels)).toBeGreaterThan(0);
  });

  it("keeps the last success timestamp when a later run fails, and keeps kinds apart", async () => {
    await pushBackupRun(target, { kind: "logical", finishedAt: new Date(1_800_003_600_000), durationSeconds: 3, sizeBytes: 0, success: false });
    await pushBackupRun(target, { kind: "redis", finishedAt: new Date(1_800_003_700_000), durationSeconds: 1, sizeBytes: 99, success: true });
    const logical = { job: BACKUP_JOB, kind: "logical", env: "staging" };
    expect(await gateway.value(BACKUP_METRICS.success, logical)).toBe(0);
    expect(await gateway.value(BACKUP_METRICS.lastRun, logical)).toBe(1_800_003_600);
    expect(await gateway.value(BACKUP_METRICS.lastSuccess, logical)).toBe(1_800_000_000);
    expect(await gateway.value(BACKUP_METRICS.lastSuccess, { job: BACKUP_JOB, kind: "redis", env: "staging" })).toBe(1_800_003_700);
  });

  it("pushes drills under env only, last success only on success", async () => {
    const labels = { job: BACKUP_JOB, env: "staging" };
    await pushDrillRun(target, { finishedAt: new Date(1_800_000_000_000), durationSeconds: 600, success: true });
    await pushDrillRun(target, { finishedAt: new Date(1_800_100_000_000), durationSeconds: 30, success: false });
    expect(await gateway.value(DRILL_METRICS.lastSuccess, labels)).toBe(1_800_000_000);
    expect(await gateway.value(DRILL_METRICS.success, labels)).toBe(0);
    expect(await gateway.value(DRILL_METRICS.duration, labels)).toBe(30);
    const text = await gateway.metrics();
    expect(text).toMatch(new RegExp(`${DRILL_METRICS.success}\\{env="staging",instance="",job="${BACKUP_JOB}"\\} 0`));
  });

  it("reports an unreachable gateway as an error", async () => {
    const gone = metricsTargetFromEnv({ PUSHGATEWAY_URL: "http://127.0.0.1:9", BACKUP_ENV: "staging" })!;
    await expect(pushBackupRun(gone, { kind: "physical", finishedAt: new Date(), durationSeconds: 1, sizeBytes: 1, success: true })).rejects.toThrow();
  });
});
