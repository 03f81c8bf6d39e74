import { UsageError } from "../lib/cli-args.js";

/** An option that takes a value, with what it allows (for messages) and a check of the raw value. */
export interface ValueOption {
  readonly allowed: string;
  readonly valid: (raw: string) => boolean;
}

/** The flags a command accepts. */
export interface CommandFlags {
  readonly switches: readonly string[];
  readonly options: Readonly<Record<string, ValueOption>>;
}

/** Flags as given: present switches, option values, and positional arguments. */
export interface ParsedArgs {
  readonly switches: ReadonlySet<string>;
  readonly options: Readonly<Record<string, string>>;
  readonly positional: readonly string[];
}

/** Parses `--switch`, `--option value`, `--option=value` and positionals; every mistake is a UsageError naming flag, value and what is allowed. */
export function parseArgs(argv: readonly string[], flags: CommandFlags, command: string): ParsedArgs {
  const names = [...flags.switches, ...Object.keys(flags.options)].map((f) => `--${f}`);
  const allowed = names.length > 0 ? names.join(", ") : "none";
  const switches = new Set<string>();
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (name === undefined) throw new UsageError(`${command}: malformed flag '${arg}'; allowed flags: ${allowed}`);
    const inline = match?.[2];
    if (flags.switches.includes(name)) {
      if (inline !== undefined) throw new UsageError(`${command}: --${name} takes no value (got '${inline}')`);
      switches.add(name);
      continue;
    }
    const option = flags.options[name];
    if (!option) throw new UsageError(`${command}: unknown flag --${name}; allowed flags: ${allowed}`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`${command}: --${name} needs a value: ${option.allowed}`);
    if (!option.valid(value)) throw new UsageError(`${command}: --${name}: got '${value}'; expected ${option.allowed}`);
    if (name in options) throw new UsageError(`${command}: --${name} given twice`);
    options[name] = value;
  }
  return { switches, options, positional };
}

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
