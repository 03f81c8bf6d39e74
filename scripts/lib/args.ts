import { UsageError } from "./cli-args.js";

/** An option that takes a value: what it allows (for messages) and a check of the raw value. */
export interface ValueOption {
  readonly allowed: string;
  readonly valid: (raw: string) => boolean;
}

/** The flags one command accepts. */
export interface CommandFlags {
  readonly switches: readonly string[];
  readonly options: Readonly<Record<string, ValueOption>>;
}

/** Flags as given: present switches, option values and positional arguments. */
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

/** An option whose value is one of a fixed list. */
export const oneOf = (values: readonly string[]): ValueOption => ({ allowed: `one of ${values.join(", ")}`, valid: (raw) => values.includes(raw) });
/** A whole number in a range. */
export const integerBetween = (min: number, max: number): ValueOption => ({
  allowed: `a whole number from ${min} to ${max}`,
  valid: (raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max,
});
/** A non-empty path. */
export const PATH: ValueOption = { allowed: "a path", valid: (raw) => raw.length > 0 };
/** A non-empty word of letters, digits, '.', '_' or '-'. */
export const NAME: ValueOption = { allowed: "a name of letters, digits, '.', '_' or '-'", valid: (raw) => /^[A-Za-z0-9._-]+$/.test(raw) };

/** The value of a flag, else of an environment variable (checked like the flag, and named when wrong); undefined when neither is set. */
export function flagOrEnv(args: ParsedArgs, flag: string, option: ValueOption, env: Readonly<Record<string, string | undefined>>, variable: string, command: string): string | undefined {
  const fromFlag = args.options[flag];
  if (fromFlag !== undefined) return fromFlag;
  const fromEnv = env[variable];
  if (fromEnv === undefined || fromEnv === "") return undefined;
  if (!option.valid(fromEnv)) throw new UsageError(`${command}: ${variable} (the default of --${flag}): got '${fromEnv}'; expected ${option.allowed}`);
  return fromEnv;
}
