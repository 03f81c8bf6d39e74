import { z } from "zod";
import { DEFAULT_BACKUP_SCHEDULE, isCronExpression } from "./schedule.js";

const cron = z.string().refine(isCronExpression, 'five cron fields such as "0 1 * * 0" (no @macros, no names)');

/** Whether the runtime's time zone database knows `zone` (an IANA name, as CronJob.spec.timeZone and TZ expect). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  } catch {
    return false;
  }
}

const s3Schema = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')"),
  endpoint: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "a host name and optional port without a scheme, such as s3.eu-west-1.amazonaws.com"),
  region: z.string().regex(/^[a-z0-9-]+$/, "a region such as eu-west-1"),
  path: z.string().regex(/^\/\S*$/, "an absolute prefix inside the bucket, such as /supabase/prod"),
  uriStyle: z.enum(["host", "path"]).default("host"),
  keyType: z.enum(["shared", "auto", "web-id"]).default("shared"),
});

const DEFAULT_RETENTION = { fullDays: 28, diffCount: 7 };

/** `backup`: scheduled pgBackRest, logical and Redis backups with WAL archiving, and the weekly restore drill. */
export const backupSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    schedule: z
      .strictObject({
        physicalFull: cron.default(DEFAULT_BACKUP_SCHEDULE.physicalFull),
        physicalDiff: cron.default(DEFAULT_BACKUP_SCHEDULE.physicalDiff),
        logical: cron.default(DEFAULT_BACKUP_SCHEDULE.logical),
        redis: cron.default(DEFAULT_BACKUP_SCHEDULE.redis),
        drill: cron.default(DEFAULT_BACKUP_SCHEDULE.drill),
      })
      .default(DEFAULT_BACKUP_SCHEDULE),
    timeZone: z.string().refine(isTimeZone, "an IANA time zone such as Etc/UTC or Europe/Berlin").default("Etc/UTC"),
    retention: z
      .strictObject({
        fullDays: z.number().int("a whole number of days").min(1).max(3650).default(DEFAULT_RETENTION.fullDays),
        diffCount: z.number().int("a whole number").min(1).max(365).default(DEFAULT_RETENTION.diffCount),
      })
      .default(DEFAULT_RETENTION),
    repository: z
      .strictObject({ type: z.enum(["volume", "s3"]).default("volume"), s3: s3Schema.optional() })
      .refine((r) => r.type !== "s3" || r.s3 !== undefined, { path: ["s3"], message: "s3.{bucket,endpoint,region,path} when type is s3" })
      .default({ type: "volume" }),
    imageRegistry: z
      .string()
      .regex(/^[a-z0-9]+([.-][a-z0-9]+)*(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "a registry and repository prefix such as registry.example.com/supabase")
      .optional(),
    serviceAccountAnnotations: z
      .record(z.string().regex(/^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "an annotation key such as eks.amazonaws.com/role-arn"), z.string())
      .optional(),
  })
  .default({ enabled: true, schedule: DEFAULT_BACKUP_SCHEDULE, timeZone: "Etc/UTC", retention: DEFAULT_RETENTION, repository: { type: "volume" } });

/** The validated `backup` settings. */
export type BackupSettings = z.infer<typeof backupSchema>;
