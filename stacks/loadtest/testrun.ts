import type { ScenarioName } from "../../tests/load/lib/settings.js";
import { PLAN_SLACK_MS, peakEventsPerSecond, planConnections } from "../../tests/load/lib/stages.js";
import { GATES } from "../../tests/load/lib/thresholds.js";
import { type RealtimeLimits, joinRateFor, limitProblems } from "./limits.js";

/** Inputs to one distributed release run. */
export interface K6TestRunArgs {
  /** TestRun name (DNS label); also the run's testid tag and RUN_ID. */
  readonly name: string;
  /** The stack under test, named in refusals. */
  readonly stack: string;
  readonly namespace: string;
  readonly scenario: ScenarioName;
  /** Peak WebSocket connections over all runners. */
  readonly target: number;
  /** The stack's realtime.* limits: JOIN_RATE is 80 % of maxJoinsPerSecond; a target above maxConcurrentUsers is refused. */
  readonly limits: RealtimeLimits;
  /** Sockets per room (default 100). */
  readonly roomSize?: number;
  /** Runner pods; k6-operator gives each an execution segment. */
  readonly parallelism: number;
  /** ConfigMap holding the `k6 archive` of tests/load/all.ts (ConfigMaps hold at most 1 MiB). */
  readonly scriptConfigMap: string;
  /** Key of the archive in that ConfigMap (default archive.tar). */
  readonly scriptFile?: string;
  /** Secret whose keys SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and JWT_SECRET become runner env. */
  readonly secretName: string;
  /** The gateway the runners load, e.g. https://api.example.com. */
  readonly supabaseUrl: string;
  /** Prometheus remote-write endpoint (Prometheus needs --web.enable-remote-write-receiver and native histograms). */
  readonly prometheusRemoteWriteUrl: string;
  /** Runner image with the experimental-prometheus-rw output, pinned (e.g. grafana/k6:<version>). */
  readonly runnerImage: string;
  /** Runner requests and limits (default 2 CPU / 4Gi, limit 4 CPU / 8Gi). */
  readonly resources?: RunnerResources;
}

/** Requests and limits of one runner pod. */
export interface RunnerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A container environment variable: a value, or the pod's own name. */
export type EnvVar = { readonly name: string; readonly value: string } | { readonly name: string; readonly valueFrom: { readonly fieldRef: { readonly fieldPath: string } } };

/** The k6-operator TestRun custom resource (k6.io/v1alpha1). */
export interface K6TestRun {
  readonly apiVersion: "k6.io/v1alpha1";
  readonly kind: "TestRun";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly parallelism: number;
    readonly separate: boolean;
    readonly cleanup: "post";
    readonly arguments: string;
    readonly script: { readonly configMap: { readonly name: string; readonly file: string } };
    readonly runner: {
      readonly image: string;
      readonly env: readonly EnvVar[];
      readonly envFrom: readonly { readonly secretRef: { readonly name: string } }[];
      readonly resources: RunnerResources;
    };
  };
}

/** The TestRun, the archive command that must build its script, and the gate to evaluate when it ends. */
export interface RenderedTestRun {
  readonly testRun: K6TestRun;
  /**
   * `k6 archive` freezes the options (scenarios, thresholds) it computes from its environment, so the archive must be
   * built with the same shape variables as the runners: this is that command, secrets excluded.
   */
  readonly archiveCommand: string;
  /**
   * PromQL over the runners' remote-written series, summed across runners (k6-operator does not merge thresholds):
   * each element names a failed gate in its `gate` label; an empty result means the release gate passed.
   */
  readonly gateQuery: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DEFAULT_RESOURCES: RunnerResources = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } };

/** Renders the k6-operator TestRun for a distributed release run; throws RangeError on arguments the stack would reject. */
export function renderK6TestRun(args: K6TestRunArgs): RenderedTestRun {
  const problems: string[] = [];
  if (!DNS_LABEL.test(args.name) || args.name.length > 40) problems.push(`name: got '${args.name}'; expected a DNS label of at most 40 characters`);
  if (!DNS_LABEL.test(args.namespace)) problems.push(`namespace: got '${args.namespace}'; expected a DNS label`);
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1) problems.push(`parallelism: got ${args.parallelism}; expected a whole number >= 1`);
  if (!/[:@]/.test(args.runnerImage.split("/").pop() ?? "") || /:latest$/.test(args.runnerImage)) problems.push(`runnerImage: got '${args.runnerImage}'; expected an image pinned to a version`);
  const joinRate = joinRateFor(args.limits);
  const plan = planConnections({ scenario: args.scenario, target: args.target, joinRate, roomSize: args.roomSize ?? 100 });
  if (args.parallelism > plan.rooms) problems.push(`parallelism: got ${args.parallelism}; expected at most ${plan.rooms}, one room per VU and at least one VU per runner`);
  problems.push(...limitProblems(args.stack, plan.peak, peakEventsPerSecond(plan), args.limits).map((p) => p.message));
  if (problems.length) throw new RangeError(`k6 TestRun ${args.name}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);

  const shape: Record<string, string> = {
    SCENARIO: args.scenario,
    TARGET_CONNECTIONS: String(args.target),
    JOIN_RATE: String(joinRate),
    ROOM_SIZE: String(plan.roomSize),
    SUPABASE_URL: args.supabaseUrl,
    RUN_ID: args.name,
    STACK: args.stack,
  };
  const env: EnvVar[] = [
    ...Object.entries(shape).map(([name, value]) => ({ name, value })),
    { name: "RUNNER_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "SUMMARY_DIR", value: "/tmp" },
    { name: "K6_PROMETHEUS_RW_SERVER_URL", value: args.prometheusRemoteWriteUrl },
    { name: "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM", value: "true" },
    { name: "K6_PROMETHEUS_RW_STALE_MARKERS", value: "true" },
  ];
  const scriptFile = args.scriptFile ?? "archive.tar";
  const testRun: K6TestRun = {
    apiVersion: "k6.io/v1alpha1",
    kind: "TestRun",
    metadata: { name: args.name, namespace: args.namespace, labels: { "app.kubernetes.io/name": "k6-loadtest", "app.kubernetes.io/part-of": "supabase" } },
    spec: {
      parallelism: args.parallelism,
      separate: true,
      cleanup: "post",
      arguments: `--tag testid=${args.name} -o experimental-prometheus-rw`,
      script: { configMap: { name: args.scriptConfigMap, file: scriptFile } },
      runner: { image: args.runnerImage, env, envFrom: [{ secretRef: { name: args.secretName } }], resources: args.resources ?? DEFAULT_RESOURCES },
    },
  };
  const archiveEnv = Object.entries(shape).map(([name, value]) => `${name}=${value}`).join(" ");
  return {
    testRun,
    archiveCommand: `${archiveEnv} k6 archive --exclude-env-vars -O ${scriptFile} tests/load/all.ts`,
    gateQuery: gateQuery(args.name, Math.ceil((plan.durationMs + PLAN_SLACK_MS) / 1000)),
  };
}

/** The release gate in PromQL over native histograms and counters, for one testid over the whole run. */
export function gateQuery(testId: string, windowSeconds: number): string {
  const w = `[${windowSeconds}s]`;
  const sel = (extra = ""): string => `{testid="${testId}"${extra}}`;
  const last = (metric: string, extra = ""): string => `sum(last_over_time(${metric}${sel(extra)}${w}))`;
  const total = (metric: string, extra = ""): string => `(${last(metric, extra)} or vector(0))`;
  const quantile = (q: number, metric: string, extra = ""): string => `histogram_quantile(${q}, ${last(metric, extra)})`;
  const share = (bad: string, all: string): string => `(${bad} / ${all})`;
  const round = (n: number): number => Number(n.toPrecision(6));
  const gates: [string, string][] = [
    ["no_data", `absent(k6_rt_joins_total${sel()})`],
    ["ws_connect_p95", `${quantile(0.95, "k6_ws_connecting_seconds")} > ${GATES.wsConnectP95Ms / 1000}`],
    ["join_success", `${share(total("k6_rt_joins_total", ',outcome="error"'), total("k6_rt_joins_total"))} > ${round(1 - GATES.joinSuccessRate)}`],
    ["broadcast_p95", `${quantile(0.95, "k6_rt_latency_seconds", ',kind="broadcast"')} > ${GATES.broadcastP95Ms / 1000}`],
    ["broadcast_p99", `${quantile(0.99, "k6_rt_latency_seconds", ',kind="broadcast"')} > ${GATES.broadcastP99Ms / 1000}`],
    ["message_loss", `${share(total("k6_rt_lost_total"), `(${total("k6_rt_lost_total")} + ${total("k6_rt_received_total")})`)} > ${GATES.messageLossRate}`],
    ["rest_p95", `${quantile(0.95, "k6_http_req_duration_seconds", ',api="rest"')} > ${GATES.restP95Ms / 1000}`],
    ["rest_errors", `${share(total("k6_http_reqs_total", ',api="rest",expected_response="false"'), total("k6_http_reqs_total", ',api="rest"'))} > ${GATES.restErrorRate}`],
    ["auth_errors", `${share(total("k6_http_reqs_total", ',api="auth",expected_response="false"'), total("k6_http_reqs_total", ',api="auth"'))} > ${GATES.authErrorRate}`],
  ];
  return gates.map(([gate, expr]) => `label_replace(${expr}, "gate", "${gate}", "", "")`).join("\nor\n");
}
