import { SCENARIOS, SUITES, type ScenarioName, type SuiteName } from "../../tests/load/lib/settings.js";
import { STACKS, type StackName, UsageError } from "../lib/cli-args.js";

/** Options of the loadtest command line. */
export interface LoadtestArgs {
  readonly scenario: ScenarioName;
  readonly stack: StackName;
  /** Peak WebSocket connections; undefined means the suite default (10000). */
  readonly target?: number;
  readonly suite: SuiteName;
  /** Read the URL and API keys from `pulumi stack output` instead of the environment. */
  readonly fromStack: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
}

const SWITCHES = ["from-stack", "dry-run", "help"] as const;
const CHOICES: Record<string, readonly string[]> = { scenario: SCENARIOS, stack: STACKS, suite: SUITES };
const ALLOWED = [...Object.keys(CHOICES), "target", ...SWITCHES].map((f) => `--${f}`).join(", ");

/** Parses the flags; throws UsageError naming the flag, the value and what is allowed. */
export function parseLoadtestArgs(argv: readonly string[]): LoadtestArgs {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}'; allowed flags: ${ALLOWED}`);
    const [, name = "", inline] = match;
    if ((SWITCHES as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (got '${inline}')`);
      switches.add(name);
      continue;
    }
    if (!(name in CHOICES) && name !== "target") throw new UsageError(`unknown flag --${name}; allowed flags: ${ALLOWED}`);
    const value = inline ?? argv[++i];
    const expected = CHOICES[name] ? `one of ${CHOICES[name].join(", ")}` : "a whole number of connections >= 1";
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value: ${expected}`);
    const valid = CHOICES[name] ? CHOICES[name].includes(value) : /^[1-9]\d*$/.test(value);
    if (!valid) throw new UsageError(`--${name}: got '${value}'; expected ${expected}`);
    values[name] = value;
  }
  if (switches.has("help")) return { scenario: "smoke", stack: "dev", suite: "all", fromStack: false, dryRun: false, help: true };
  for (const required of ["scenario", "stack"]) {
    if (values[required] === undefined) throw new UsageError(`--${required} is required: one of ${CHOICES[required]!.join(", ")}`);
  }
  return {
    scenario: values["scenario"] as ScenarioName,
    stack: values["stack"] as StackName,
    ...(values["target"] !== undefined && { target: Number(values["target"]) }),
    suite: (values["suite"] ?? "all") as SuiteName,
    fromStack: switches.has("from-stack"),
    dryRun: switches.has("dry-run"),
    help: false,
  };
}
