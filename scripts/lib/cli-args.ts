/** Stacks this project deploys, in promotion order. */
export const STACKS = ["dev", "staging", "prod"] as const;
export type StackName = (typeof STACKS)[number];

/** Raised on a bad command line; the CLIs print it and exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The flags a command accepts: switches, and options that take one of a fixed set of values. */
export interface FlagSpec {
  readonly switches: readonly string[];
  readonly options: Readonly<Record<string, readonly string[]>>;
}

/** Flags as given on the command line: switches that were present and option values. */
export interface ParsedFlags {
  readonly switches: ReadonlySet<string>;
  readonly options: Readonly<Record<string, string>>;
}

/** Parses `--switch`, `--option value` and `--option=value`; anything else is a UsageError. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const allowed = [...spec.switches, ...Object.keys(spec.options)].map((f) => `--${f}`).join(", ");
  const switches = new Set<string>();
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}'; allowed flags: ${allowed}`);
    const [, name = "", inline] = match;
    if (spec.switches.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (got '${inline}')`);
      switches.add(name);
      continue;
    }
    const values = spec.options[name];
    if (!values) throw new UsageError(`unknown flag --${name}; allowed flags: ${allowed}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new UsageError(`--${name} needs a value: one of ${values.join(", ")}`);
    }
    if (!values.includes(value)) {
      throw new UsageError(`--${name}: got '${value}'; expected one of ${values.join(", ")}`);
    }
    options[name] = value;
  }
  return { switches, options };
}
