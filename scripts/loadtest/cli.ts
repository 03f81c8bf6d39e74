import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError, type SecretConfigKey, type StackConfig, parseConfig } from "../../stacks/config.js";
import { joinRateFor, limitProblems } from "../../stacks/loadtest/limits.js";
import { readStackConfig } from "../../stacks/stack-files.js";
import { SUITES, SUITE_REQUIREMENTS, SettingsError, readSettings, readShapeSettings } from "../../tests/load/lib/settings.js";
import { type ConnectionPlan, describePlan, peakEventsPerSecond, planConnections } from "../../tests/load/lib/stages.js";
import { type Check, fail, passed } from "../lib/check.js";
import { UsageError } from "../lib/cli-args.js";
import type { Host } from "../lib/host.js";
import { type Output, renderChecks } from "../lib/report.js";
import { LockedError, acquireLock } from "../lib/run-lock.js";
import type { StreamCommand } from "../lib/stream-command.js";
import { type LoadtestArgs, parseLoadtestArgs } from "./args.js";
import { credentialsFromEnv, credentialsFromStack } from "./credentials.js";
import { checkK6, checkOpenFiles, checkPortRange, checkTimeWaitReuse } from "./generator-checks.js";
import { type K6Invocation, describeInvocation, k6Invocation } from "./k6-command.js";

const USAGE = `usage: npm run loadtest -- --scenario smoke|average|stress|soak|spike --stack dev|staging|prod [--target N]
                        [--suite ${SUITES.join("|")}] [--from-stack] [--dry-run]

Runs the k6 suite in tests/load against a deployed stack and exits with k6's code (99 when a gate failed).
  --scenario <name>  load shape: smoke (20 sockets, 1 min), average (ramp to target, hold 10 min), stress (50/75/100 %),
                     soak (hold 2 h; HOLD_SECONDS to change), spike (10 % -> 100 % -> 10 %)
  --stack <name>     stack under test: its realtime limits set JOIN_RATE (80 % of maxJoinsPerSecond) and cap --target
  --target <N>       peak WebSocket connections (default 10000; at most realtime.maxConcurrentUsers)
  --suite <name>     all (default: Realtime, REST and Auth together), realtime, rest or auth
  --from-stack       read SUPABASE_URL and the API keys from 'pulumi stack output --show-secrets'
  --dry-run          check this machine and print the k6 command and the env names it gets, without running it
  --help             show this help
Secrets come from the environment or files, never flags: SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, JWT_SECRET
(or <NAME>_FILE). SUPABASE_URL defaults to the stack's publicUrl. Tuning: ROOM_SIZE, HOLD_SECONDS, REST_RATE, PRESENCE,
PRIVATE_CHANNELS; metrics to Prometheus with K6_PROMETHEUS_RW_SERVER_URL. See runbooks/load-testing.md.
Exit code: k6's (0 pass, 99 gate failed), 1 when a check fails, 2 on a bad command line or a target above the stack's limit.`;

/** What the loadtest command needs from the outside world. */
export interface LoadtestDeps {
  readonly host: Host;
  readonly io: Output;
  readonly stream: StreamCommand;
  readonly now: () => Date;
}

/** A run that passed its own validation: the plan and the k6 process to start. */
interface PreparedRun {
  readonly plan: ConnectionPlan;
  readonly invocation: K6Invocation;
  readonly summaryDir: string;
  /** Missing or unreadable secrets. */
  readonly problems: readonly string[];
}

/** Runs the loadtest command and returns its exit code; never throws on expected failures. */
export async function runLoadtest(argv: readonly string[], deps: LoadtestDeps): Promise<number> {
  const { io } = deps;
  let args: LoadtestArgs;
  try {
    args = parseLoadtestArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`loadtest: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const prepared = await prepare(args, deps);
  if (typeof prepared === "number") return prepared;
  const withRealtime = args.suite === "all" || args.suite === "realtime";
  const connections = withRealtime ? prepared.plan.peak : 0;
  const checks: Check[] = [];
  if (prepared.problems.length) {
    checks.push(fail("settings", "the k6 environment is incomplete", "export the variables named above (or <NAME>_FILE), or use --from-stack", prepared.problems));
  }
  checks.push(await checkK6(deps.host), await checkOpenFiles(deps.host, connections), checkPortRange(deps.host, connections), checkTimeWaitReuse(deps.host));
  if (withRealtime) io.out(describePlan(prepared.plan).join("\n"));
  io.out(`${renderChecks(checks, io.color)}\n\n${describeInvocation(prepared.invocation)}`);
  if (args.dryRun) return passed(checks) ? 0 : 1;
  if (!passed(checks)) {
    io.err("loadtest: fix the ✖ items above, then run again");
    return 1;
  }
  return execute(args, prepared, deps);
}

/** Reads the stack's limits and the credentials, plans the run and refuses one the tenant limits would reject. */
async function prepare(args: LoadtestArgs, { host, io, now }: LoadtestDeps): Promise<PreparedRun | number> {
  let config: StackConfig;
  try {
    const file = readStackConfig(args.stack, {}, host.repoDir);
    config = parseConfig(file.raw, args.stack, new Set(file.secretKeys.map((k) => k.replace(/^[^:]+:/, "") as SecretConfigKey)));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`loadtest: stacks/Pulumi.${args.stack}.yaml is invalid; run npm run doctor -- --stack ${args.stack}\n${error.message}`);
    return 1;
  }
  const credentials = args.fromStack ? await credentialsFromStack(host, args.stack) : credentialsFromEnv(host);
  const runId = `${args.stack}-${now().toISOString().replace(/\D/g, "").slice(0, 14)}`;
  const summaryDir = join(host.repoDir, "tmp", "loadtest", runId);
  const invocation = k6Invocation({
    repoDir: host.repoDir,
    suite: args.suite,
    stack: args.stack,
    runId,
    summaryDir,
    prometheus: Boolean(host.env["K6_PROMETHEUS_RW_SERVER_URL"]),
    env: {
      SCENARIO: args.scenario,
      JOIN_RATE: String(joinRateFor(config.realtime)),
      ...(args.target !== undefined && { TARGET_CONNECTIONS: String(args.target) }),
      SUPABASE_URL: config.publicUrl,
      ...credentials.values,
    },
  });
  const env = { ...host.env, ...invocation.env };
  let plan: ConnectionPlan;
  try {
    plan = planConnections(readShapeSettings(env));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`loadtest: ${error.message}`);
    return 1;
  }
  const refused = args.suite === "all" || args.suite === "realtime" ? limitProblems(args.stack, plan.peak, peakEventsPerSecond(plan), config.realtime) : [];
  if (refused.length) {
    io.err(`loadtest: refusing to run\n${refused.map((p) => `  - ${p.message}`).join("\n")}`);
    return refused.some((p) => p.limit === "target") ? 2 : 1;
  }
  const problems = [...credentials.problems];
  try {
    readSettings(env, SUITE_REQUIREMENTS[args.suite]);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  return { plan, invocation, summaryDir, problems };
}

/** Runs k6 with the terminal attached, under a per-stack lock, and returns its exit code. */
async function execute(args: LoadtestArgs, run: PreparedRun, { host, io, stream }: LoadtestDeps): Promise<number> {
  let release: () => void;
  try {
    release = acquireLock(join(host.repoDir, ".state", `loadtest-${args.stack}.lock`));
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    io.err(`loadtest: ${error.message}`);
    return 1;
  }
  try {
    mkdirSync(run.summaryDir, { recursive: true });
    const env = Object.fromEntries(Object.entries({ ...host.env, ...run.invocation.env }).filter((e): e is [string, string] => e[1] !== undefined));
    const code = await stream(run.invocation.cmd, run.invocation.args, env);
    const report = relative(host.repoDir, join(run.summaryDir, `${args.suite}-${args.scenario}.txt`));
    io.out(`report: ${report}${code === 99 ? " (a gate failed: k6 exit 99)" : ""}`);
    return code;
  } finally {
    release();
  }
}
