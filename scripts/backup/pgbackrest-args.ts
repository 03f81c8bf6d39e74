/** pgBackRest backup types: a complete copy, changes since the last full, or changes since the last backup of any type. */
export const BACKUP_TYPES = ["full", "diff", "incr"] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

/** Which configuration file and stanza every command uses. */
export interface PgbackrestTarget {
  readonly configPath: string;
  readonly stanza: string;
}

/** Where a restore stops: the end of the archive, a moment, or a named restore point. */
export type RestoreTarget =
  | { readonly kind: "latest" }
  | { readonly kind: "time"; readonly time: string }
  | { readonly kind: "name"; readonly name: string };

/** One restore: into which directory, to which target, and how it treats what is already there. */
export interface RestoreRequest {
  readonly dataDir: string;
  readonly target: RestoreTarget;
  /** The backup to start from; pgBackRest picks one itself for `latest` and `time`. */
  readonly set?: string;
  /** Keep files that match the backup and remove the rest, instead of requiring an empty directory. */
  readonly delta: boolean;
  /** With delta: go ahead even when the directory does not look like a cluster (no PG_VERSION). */
  readonly force: boolean;
  /** Start with archive_mode=off so the restored cluster never pushes WAL into the repository (drills, side-by-side restores). */
  readonly archiveOff: boolean;
}

/** Arguments for `pgbackrest <command>` with the config file and stanza first; never a secret (those travel in PGBACKREST_* variables). */
export function pgbackrestArgs(target: PgbackrestTarget, command: string, options: readonly string[] = []): string[] {
  return [`--config=${target.configPath}`, `--stanza=${target.stanza}`, ...options, command];
}

/** Arguments for a backup whose progress can be followed from the console log. */
export function backupArgs(target: PgbackrestTarget, type: BackupType): string[] {
  return pgbackrestArgs(target, "backup", [`--type=${type}`, "--log-level-console=detail"]);
}

/**
 * Arguments for a restore. It writes into `dataDir` on this host, so a pg1-host from the configuration (the backup jobs'
 * TLS client setup) is reset. Targets other than `latest` always promote at the target: the supabase image runs with
 * hot_standby=off, where pgBackRest's default `pause` would shut the cluster down instead.
 */
export function restoreArgs(target: PgbackrestTarget, request: RestoreRequest): string[] {
  const options = [`--pg1-path=${request.dataDir}`, "--reset-pg1-host", "--log-level-console=detail"];
  if (request.set) options.push(`--set=${request.set}`);
  if (request.delta || request.force) options.push("--delta");
  if (request.force) options.push("--force");
  if (request.archiveOff) options.push("--archive-mode=off");
  const t = request.target;
  if (t.kind === "latest") options.push("--type=default");
  else options.push(`--type=${t.kind}`, `--target=${t.kind === "time" ? t.time : t.name}`, "--target-action=promote");
  return pgbackrestArgs(target, "restore", options);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Raised for a recovery time that is not RFC 3339 with an explicit offset. */
export class TargetTimeError extends Error {
  override readonly name = "TargetTimeError";
}

/** A recovery target time: as given, in the form PostgreSQL and pgBackRest parse, and as epoch milliseconds. */
export interface TargetTime {
  readonly given: string;
  readonly postgres: string;
  readonly epochMs: number;
}

/**
 * Reads an RFC 3339 time with an explicit offset (2026-01-01T12:00:00+02:00 or …Z) and converts it to UTC in the form
 * PostgreSQL and pgBackRest both parse: `2026-01-01 10:00:00.000000+00`. A time without an offset is refused, since the
 * server would read it in its own time zone.
 */
export function parseTargetTime(rfc3339: string): TargetTime {
  const match = RFC3339.exec(rfc3339);
  if (!match) throw new TargetTimeError(`--to-time: got '${rfc3339}'; expected an RFC 3339 time with an offset, such as 2026-01-01T12:00:00Z or 2026-01-01T14:00:00+02:00`);
  const [, y, mo, d, h, mi, s, fraction = "", offset = "Z"] = match;
  const micros = (fraction.slice(1) + "000000").slice(0, 6);
  const sign = offset === "Z" || offset === "z" ? 0 : offset.startsWith("-") ? -1 : 1;
  const offsetMinutes = sign === 0 ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(local);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new TargetTimeError(`--to-time: got '${rfc3339}'; that date or time does not exist`);
  }
  const epochMs = local - offsetMinutes * 60_000;
  const utc = new Date(epochMs).toISOString();
  return { given: rfc3339, postgres: `${utc.slice(0, 10)} ${utc.slice(11, 19)}.${micros}+00`, epochMs: epochMs + Number(micros) / 1000 };
}
