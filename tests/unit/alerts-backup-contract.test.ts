import { describe, expect, it } from "vitest";
import {
  BACKUP_CONTRACT_METRICS,
  BACKUP_JOB,
  BACKUP_KINDS,
  BACKUP_MAX_AGE_HOURS,
  BACKUP_METRICS,
  DRILL_MAX_AGE_DAYS,
  DRILL_METRICS,
  PUSHGATEWAY_METRICS,
} from "../../stacks/monitoring/backup-metrics.js";
import { committedRules, metricNamesOf as metricNames } from "../support/prometheus.js";

const backupAlerts = committedRules().filter((r) => r.file === "backup.yml" && r.rule.alert);
const exprOf = (name: string): string => backupAlerts.find((r) => r.rule.alert === name)!.rule.expr;

describe("backup alerts and the backup metric contract", () => {
  it("use only metric names of stacks/monitoring/backup-metrics.ts", () => {
    expect(backupAlerts.length).toBeGreaterThanOrEqual(5);
    for (const { rule } of backupAlerts) {
      const used = metricNames(rule.expr);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(BACKUP_CONTRACT_METRICS, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it("select the backup series by the contract's Pushgateway job", () => {
    for (const { rule } of backupAlerts) {
      for (const selector of rule.expr.matchAll(/(supabase_backup_\w+|push_\w+)\{([^}]*)\}/g)) expect(selector[2], rule.alert).toContain(`job="${BACKUP_JOB}"`);
    }
  });

  it("check the age of every kind against its own limit", () => {
    const expr = exprOf("BackupTooOld");
    for (const kind of BACKUP_KINDS) {
      const term = new RegExp(`${BACKUP_METRICS.lastSuccess}\\{[^}]*kind="${kind}"[^}]*\\} > (\\d+) \\* 3600`).exec(expr);
      expect(term, kind).not.toBeNull();
      expect(Number(term![1]), kind).toBe(BACKUP_MAX_AGE_HOURS[kind]);
    }
  });

  it("check the drill's age and outcome, and the Pushgateway's push failures", () => {
    expect(exprOf("BackupRestoreDrillStale")).toMatch(new RegExp(`${DRILL_METRICS.lastSuccess} > ${DRILL_MAX_AGE_DAYS} \\* 86400`));
    expect(metricNames(exprOf("BackupRestoreDrillFailed"))).toEqual([DRILL_METRICS.success]);
    expect(metricNames(exprOf("BackupPushFailing")).sort()).toEqual([PUSHGATEWAY_METRICS.pushFailureTime, PUSHGATEWAY_METRICS.pushTime].sort());
  });

  it("name metrics the Prometheus way: a supabase_ prefix and a unit or plain-count suffix", () => {
    for (const name of [...Object.values(BACKUP_METRICS), ...Object.values(DRILL_METRICS)]) expect(name).toMatch(/^supabase_\w+_(seconds|bytes|success)$/);
  });
});
