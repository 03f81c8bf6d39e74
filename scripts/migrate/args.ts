import type { ValueOption } from "../lib/args.js";

/** Milliseconds of a duration such as `500ms`, `30s`, `2m` or a bare number of seconds; undefined when malformed. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!match) return undefined;
  const unit = match[2] ?? "s";
  const ms = Number(match[1]) * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000);
  return Number.isFinite(ms) && ms <= 24 * 3600_000 ? Math.round(ms) : undefined;
}

/** A duration option (at most a day). */
export const DURATION: ValueOption = { allowed: "a duration such as 500ms, 30s or 2m (at most 24h)", valid: (raw) => parseDuration(raw) !== undefined };
/** A positive whole-number option. */
export const POSITIVE_INTEGER: ValueOption = { allowed: "a whole number of at least 1", valid: (raw) => /^[1-9]\d{0,5}$/.test(raw) };
/** A migration version option. */
export const VERSION: ValueOption = { allowed: "a migration version: 14 digits yyyymmddhhmmss", valid: (raw) => /^\d{14}$/.test(raw) };
/** A directory option. */
export const DIRECTORY: ValueOption = { allowed: "a directory path", valid: (raw) => raw.length > 0 };
