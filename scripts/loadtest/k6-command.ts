import { join } from "node:path";
import type { SuiteName } from "../../tests/load/lib/settings.js";

/** The k6 process to start: argv without secrets, and the variables set for it on top of the inherited environment. */
export interface K6Invocation {
  readonly cmd: "k6";
  readonly args: readonly string[];
  /** Variables the runner sets; secrets travel only here. */
  readonly env: Readonly<Record<string, string>>;
}

/** What the invocation is built from. */
export interface InvocationInput {
  readonly repoDir: string;
  readonly suite: SuiteName;
  readonly stack: string;
  readonly runId: string;
  readonly summaryDir: string;
  /** Prometheus remote write is on when K6_PROMETHEUS_RW_SERVER_URL is set. */
  readonly prometheus: boolean;
  /** SCENARIO, JOIN_RATE, TARGET_CONNECTIONS, SUPABASE_URL and the secrets. */
  readonly env: Readonly<Record<string, string>>;
}

/** `k6 run --tag testid=… --tag stack=… [-o experimental-prometheus-rw] tests/load/<suite>.ts` with the run's env. */
export function k6Invocation(input: InvocationInput): K6Invocation {
  const args = ["run", "--tag", `testid=${input.runId}`, "--tag", `stack=${input.stack}`];
  if (input.prometheus) args.push("-o", "experimental-prometheus-rw");
  args.push(join(input.repoDir, "tests", "load", `${input.suite}.ts`));
  return { cmd: "k6", args, env: { ...input.env, STACK: input.stack, RUN_ID: input.runId, SUMMARY_DIR: input.summaryDir } };
}

/** The command line and the names (never the values) of the variables the runner sets. */
export function describeInvocation(invocation: K6Invocation): string {
  return [`${invocation.cmd} ${invocation.args.join(" ")}`, `  env set by the runner: ${Object.keys(invocation.env).sort().join(", ")}`].join("\n");
}
