import { STACKS, type StackName, UsageError, parseFlags } from "./cli-args.js";
import { passed } from "./check.js";
import type { Host } from "./host.js";
import { runPreflight } from "./preflight.js";
import { type Output, renderChecks, summarize } from "./report.js";

const USAGE = `usage: npm run doctor [-- --stack ${STACKS.join("|")}] [--json]

Checks this machine and a stack's configuration before a deploy, and says how to fix what fails.
  --stack <name>  stack to check (default dev)
  --json          print the checks as a JSON array of {id, status, detail, fix?, problems?}
  --help          show this help
Exit code: 0 when no check failed, 1 otherwise, 2 on a bad command line.`;

/** Options of the doctor command line. */
export interface DoctorArgs {
  readonly stack: StackName;
  readonly json: boolean;
  readonly help: boolean;
}

/** Parses doctor's flags; throws UsageError naming the bad flag or value. */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const flags = parseFlags(argv, { switches: ["json", "help"], options: { stack: STACKS } });
  return { stack: (flags.options["stack"] ?? "dev") as StackName, json: flags.switches.has("json"), help: flags.switches.has("help") };
}

/** Runs doctor and returns its exit code; never throws. */
export async function runDoctor(argv: readonly string[], host: Host, io: Output): Promise<number> {
  let args: DoctorArgs;
  try {
    args = parseDoctorArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`doctor: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const checks = await runPreflight(args.stack, host);
    if (args.json) io.out(JSON.stringify(checks, null, 2));
    else io.out(`${renderChecks(checks, io.color)}\n\n${summarize(checks, args.stack)}`);
    return passed(checks) ? 0 : 1;
  } catch (error) {
    io.err(`doctor: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
