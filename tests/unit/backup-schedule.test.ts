import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { describe, expect, it } from "vitest";
import { BACKUP_SECRET_ENV } from "../../stacks/backup/backup-secrets.js";
import { dockerScheduler, renderCrontab } from "../../stacks/backup/docker-scheduler.js";
import { backupCronJobs, DEFAULT_BACKUP_SCHEDULE, type BackupCronJobsConfig } from "../../stacks/backup/schedule.js";

const config: BackupCronJobsConfig = {
  env: "prod",
  namespace: "supabase",
  image: "ghcr.io/acme/supabase-ops:1.4.0",
  timeZone: "Europe/Berlin",
  schedule: DEFAULT_BACKUP_SCHEDULE,
  secretName: "supabase-backup",
  pgbackrestConfigMap: "supabase-pgbackrest",
  pgbackrestTlsSecret: "supabase-pgbackrest-client-tls",
  settings: { PUSHGATEWAY_URL: "http://pushgateway.monitoring:9091", BACKUP_DEST: "s3://acme-backups/prod", AWS_REGION: "eu-central-1" },
  scratchSize: "50Gi",
  serviceAccountName: "supabase-backup",
};

describe("backup CronJobs", () => {
  const jobs = backupCronJobs(config);

  it("are valid batch/v1 CronJobs", () => {
    expect(jobs.map((j) => j.metadata?.name)).toEqual(["supabase-backup-physical-full", "supabase-backup-physical-diff", "supabase-backup-logical", "supabase-backup-redis", "supabase-restore-drill"]);
    for (const job of jobs) {
      expect(() => new CronJob(job).validate()).not.toThrow();
      expect(job.metadata!.name!.length).toBeLessThanOrEqual(52);
    }
  });

  it("never overlap, start late at most an hour, stop at a deadline, retry once, and read the schedule in the stack's zone", () => {
    for (const job of jobs) {
      expect(job.spec).toMatchObject({ concurrencyPolicy: "Forbid", startingDeadlineSeconds: 3600, timeZone: "Europe/Berlin", jobTemplate: { spec: { backoffLimit: 1 } } });
      expect(job.spec.jobTemplate.spec!.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.jobTemplate.spec!.template.spec!.restartPolicy).toBe("Never");
    }
    expect(jobs.map((j) => j.spec.schedule)).toEqual(["0 1 * * 0", "0 1 * * 1-6", "30 2 * * *", "15 * * * *", "0 4 * * 6"]);
  });

  it("run the ops image under tini, non-root and read-only, with the CLI and its arguments", () => {
    const full = jobs[0]!.spec.jobTemplate.spec!.template.spec!;
    const container = full.containers[0]!;
    expect(container).toMatchObject({ image: config.image, command: ["tini", "--", "node", "--import", "tsx"], args: ["scripts/backup.ts", "postgres", "--type", "full"] });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(full.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(full.automountServiceAccountToken).toBe(false);
    expect(full.serviceAccountName).toBe("supabase-backup");
    expect(full.volumes!.find((v) => v.name === "pgbackrest-tls")!.secret).toMatchObject({ secretName: config.pgbackrestTlsSecret, defaultMode: 0o440 });
    expect(full.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    expect(jobs[4]!.spec.jobTemplate.spec!.template.spec!.containers[0]!.args).toEqual(["scripts/backup-verify.ts"]);
  });

  it("pass secrets only through secretKeyRef, and only the ones each job reads", () => {
    const secretNames = new Set<string>(Object.values(BACKUP_SECRET_ENV));
    for (const job of jobs) {
      for (const env of job.spec.jobTemplate.spec!.template.spec!.containers[0]!.env!) {
        if (secretNames.has(env.name)) {
          expect(env.value).toBeUndefined();
          expect(env.valueFrom?.secretKeyRef?.name).toBe("supabase-backup");
        }
      }
    }
    const names = (i: number) => jobs[i]!.spec.jobTemplate.spec!.template.spec!.containers[0]!.env!.filter((e) => e.valueFrom).map((e) => e.name);
    expect(names(0)).toEqual(["PGBACKREST_REPO1_CIPHER_PASS", "DATABASE_URL", "PGBACKREST_REPO1_S3_KEY", "PGBACKREST_REPO1_S3_KEY_SECRET"]);
    expect(names(3)).toEqual(["REDIS_URL", "BACKUP_ENCRYPTION_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(names(3)).not.toContain("PGBACKREST_REPO1_CIPHER_PASS");
  });

  it("give the jobs that need room a claim of their own per run, not node-local storage", () => {
    const scratchOf = (i: number) => jobs[i]!.spec.jobTemplate.spec!.template.spec!.volumes!.find((v) => v.name === "scratch");
    expect(scratchOf(0)).toBeUndefined();
    expect(scratchOf(4)!.ephemeral!.volumeClaimTemplate!.spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } });
    const fast = backupCronJobs({ ...config, scratchStorageClass: "fast-ssd" })[4]!.spec.jobTemplate.spec!.template.spec!.volumes!.find((v) => v.name === "scratch");
    expect(fast!.ephemeral!.volumeClaimTemplate!.spec.storageClassName).toBe("fast-ssd");
  });

  it("refuse a malformed schedule, naming the job and the value", () => {
    expect(() => backupCronJobs({ ...config, schedule: { ...DEFAULT_BACKUP_SCHEDULE, redis: "@hourly", drill: "0 0 0 * * *" } })).toThrow(/redis: got '@hourly'[\s\S]*drill: got '0 0 0 \* \* \*'/);
  });
});

describe("Docker-host scheduler", () => {
  it("renders the same jobs as a crontab for supercronic", () => {
    expect(renderCrontab(DEFAULT_BACKUP_SCHEDULE).split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
      "0 1 * * 0 node --import tsx scripts/backup.ts postgres --type full",
      "0 1 * * 1-6 node --import tsx scripts/backup.ts postgres --type diff",
      "30 2 * * * node --import tsx scripts/backup.ts logical",
      "15 * * * * node --import tsx scripts/backup.ts redis",
      "0 4 * * 6 node --import tsx scripts/backup-verify.ts",
    ]);
  });

  it("hands secrets over as *_FILE paths, never as values, and sets the schedule's zone", () => {
    const scheduler = dockerScheduler({ env: "dev", image: config.image, timeZone: "Etc/UTC", schedule: DEFAULT_BACKUP_SCHEDULE, settings: { BACKUP_DEST: "/backups" }, secrets: ["pgbackrestCipherPass", "databaseUrl"] });
    expect(scheduler.command).toEqual(["tini", "--", "supercronic", "/etc/supabase-backup/crontab"]);
    expect(scheduler.env).toEqual({
      BACKUP_DEST: "/backups",
      BACKUP_ENV: "dev",
      TZ: "Etc/UTC",
      PGBACKREST_REPO1_CIPHER_PASS_FILE: "/run/secrets/supabase-backup/pgbackrestCipherPass",
      DATABASE_URL_FILE: "/run/secrets/supabase-backup/databaseUrl",
    });
    expect(scheduler.files[0]!.content).toContain("scripts/backup.ts redis");
  });
});
