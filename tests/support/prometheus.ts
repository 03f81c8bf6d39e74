import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { requireBinary } from "./binaries.js";
import { freePort } from "../../scripts/lib/free-port.js";

/** monitoring/prometheus: rules/, tests/, exporters/ and the rendered examples. */
export const PROMETHEUS_DIR = join(REPO_ROOT, "monitoring", "prometheus");

/** A recording or alerting rule as written in a rule file. */
export interface Rule {
  /** Alert name, on alerting rules. */
  readonly alert?: string;
  /** Recorded series name, on recording rules. */
  readonly record?: string;
  /** PromQL expression. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly for?: string;
  /** Labels added to the alert or series. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Alert annotations (templates). */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule with the file and group that hold it. */
export interface RuleEntry {
  /** File name under rules/. */
  readonly file: string;
  /** Group name. */
  readonly group: string;
  /** The rule itself. */
  readonly rule: Rule;
}

/** Names of the YAML files in a directory under monitoring/prometheus, sorted. */
export function yamlFiles(subdir: string): string[] {
  return readdirSync(join(PROMETHEUS_DIR, subdir)).filter((f) => f.endsWith(".yml")).sort();
}

/** PromQL functions, aggregations and keywords, which are not metric names. */
const PROMQL_WORDS = new Set([
  "abs", "absent", "and", "avg", "bool", "by", "count", "group_left", "group_right", "histogram_quantile", "ignoring", "increase",
  "label_replace", "max", "max_over_time", "min", "min_over_time", "on", "or", "predict_linear", "rate", "sum", "time", "unless",
  "vector", "without",
]);

/** The metric names an expression selects: identifiers outside matchers, ranges, strings and grouping clauses. */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return [...new Set((bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !PROMQL_WORDS.has(w)))];
}

/** Every rule of the committed rule files. */
export function committedRules(): RuleEntry[] {
  return yamlFiles("rules").flatMap((file) => {
    const doc = parse(readFileSync(join(PROMETHEUS_DIR, "rules", file), "utf8")) as { groups: { name: string; rules: Rule[] }[] };
    return doc.groups.flatMap((g) => g.rules.map((rule) => ({ file, group: g.name, rule })));
  });
}

/** An alert as Prometheus's /api/v1/alerts returns it. */
export interface PrometheusAlert {
  /** Identifying labels, alertname included. */
  readonly labels: Readonly<Record<string, string>>;
  /** Rendered annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** pending or firing. */
  readonly state: "pending" | "firing";
  /** The expression's value when the alert was last evaluated. */
  readonly value: string;
}

/** One sample of an instant query. */
export interface QuerySample {
  /** The series' labels. */
  readonly metric: Readonly<Record<string, string>>;
  /** The value as a number. */
  readonly value: number;
}

/** A throwaway Prometheus started by a test. */
export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Instant query through the HTTP API. */
  query(expr: string): Promise<QuerySample[]>;
  /** The pending and firing alerts. */
  alerts(): Promise<PrometheusAlert[]>;
  /** Output the process wrote, for failure messages. */
  log(): string;
  /** Stops the process and removes its files. */
  stop(): Promise<void>;
}

/** A Prometheus configuration and the rule files it loads. */
export interface StartPrometheusOptions {
  /** prometheus.yml; its rule_files are replaced by the files of `ruleFiles`. */
  readonly configYaml: string;
  /** Rule file contents by file name. */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** Loopback port to listen on, for a config that scrapes Prometheus itself; a free one unless set. */
  readonly port?: number;
  /** Extra command-line flags, e.g. --rules.alert.resend-delay=1s. */
  readonly flags?: readonly string[];
}

/** A throwaway exporter (or any process serving /metrics) started by a test. */
export interface ExporterProcess {
  /** host:port it listens on, as a scrape target. */
  readonly address: string;
  /** Fetches its metrics page. */
  metrics(): Promise<string>;
  /** Output the process wrote, for failure messages. */
  log(): string;
  /** Stops the process. */
  stop(): Promise<void>;
}

/** How to run an exporter. */
export interface StartExporterOptions {
  /** Binary name on PATH. */
  readonly binary: string;
  /** Debian package that ships it, named when it is missing. */
  readonly debianPackage: string;
  /** Command-line arguments for the listen address host:port (never secrets: they go in `env`). */
  readonly args: (listenAddress: string) => readonly string[];
  /** Extra environment, e.g. DATA_SOURCE_NAME. */
  readonly env?: Readonly<Record<string, string>>;
  /** Metrics path; /metrics unless set. */
  readonly metricsPath?: string;
}

const STARTUP_TIMEOUT_MS = 15_000;

/** Starts Prometheus on a free port with the given config and rules in a temp dir; `stop()` kills it and removes the dir. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const binary = requireBinary("prometheus", "prometheus");
  const dir = mkdtempSync(join(tmpdir(), "prometheus-test-"));
  mkdirSync(join(dir, "rules"));
  for (const [name, content] of Object.entries(options.ruleFiles ?? {})) writeFileSync(join(dir, "rules", name), content);
  const config = parse(options.configYaml) as Record<string, unknown>;
  config["rule_files"] = [join(dir, "rules", "*.yml")];
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const address = `127.0.0.1:${options.port ?? (await freePort())}`;
  const child = startProcess(binary, [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=${address}`,
    ...(options.flags ?? []),
  ]);
  const url = `http://${address}`;
  const stop = async (): Promise<void> => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`${url}/-/ready`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async query(expr) {
      const data = await apiGet<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async alerts() {
      return (await apiGet<{ alerts: PrometheusAlert[] }>(`${url}/api/v1/alerts`)).alerts;
    },
    log: child.log,
    stop,
  };
}

/** Starts an exporter on a free loopback port and waits until it serves metrics. */
export async function startExporter(options: StartExporterOptions): Promise<ExporterProcess> {
  const binary = requireBinary(options.binary, options.debianPackage);
  const address = `127.0.0.1:${await freePort()}`;
  const child = startProcess(binary, options.args(address), options.env);
  const metricsUrl = `http://${address}${options.metricsPath ?? "/metrics"}`;
  try {
    await waitUntilServing(metricsUrl, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    address,
    metrics: async () => (await fetch(metricsUrl)).text(),
    log: child.log,
    stop: child.stop,
  };
}

/** Polls Prometheus until an alert with that name (and labels) is in `state`; throws with the last alerts on timeout. */
export async function waitForAlert(
  prometheus: PrometheusServer,
  alertname: string,
  options: { readonly state?: "pending" | "firing"; readonly labels?: Readonly<Record<string, string>>; readonly timeoutMs?: number } = {},
): Promise<PrometheusAlert> {
  const { state = "firing", labels = {}, timeoutMs = 30_000 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: PrometheusAlert[] = [];
  while (Date.now() < deadline) {
    last = await prometheus.alerts();
    const match = last.find((a) => a.labels["alertname"] === alertname && a.state === state && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
    if (match) return match;
    await sleep(250);
  }
  throw new Error(`${alertname} was not ${state} within ${timeoutMs} ms; active alerts: ${JSON.stringify(last)}\n${prometheus.log().slice(-2000)}`);
}

/** Polls an instant query until `accept` holds for its samples; throws with the last result on timeout. */
export async function waitForQuery(
  prometheus: PrometheusServer,
  expr: string,
  accept: (samples: QuerySample[]) => boolean,
  timeoutMs = 30_000,
): Promise<QuerySample[]> {
  const deadline = Date.now() + timeoutMs;
  let last: QuerySample[] = [];
  while (Date.now() < deadline) {
    last = await prometheus.query(expr);
    if (accept(last)) return last;
    await sleep(250);
  }
  throw new Error(`${expr} did not reach the expected value within ${timeoutMs} ms; last result: ${JSON.stringify(last)}`);
}

/**
 * A copy of a rule file whose alerts wait `duration` instead of their own `for` (all alerts, or those named):
 * the real expressions, on a test's time scale.
 */
export function withFor(rulesYaml: string, duration: string, alertnames?: readonly string[]): string {
  const doc = parse(rulesYaml) as { groups: { rules: Record<string, unknown>[] }[] };
  for (const rule of doc.groups.flatMap((g) => g.rules)) {
    if (typeof rule["alert"] === "string" && (!alertnames || alertnames.includes(rule["alert"]))) rule["for"] = duration;
  }
  return stringify(doc);
}

/** A Prometheus config reduced to the named scrape jobs. */
export function keepScrapeJobs(configYaml: string, jobs: readonly string[]): string {
  const config = parse(configYaml) as { scrape_configs: { job_name: string }[] };
  config.scrape_configs = config.scrape_configs.filter((c) => jobs.includes(c.job_name));
  return stringify(config);
}

/** A background process a test started; it is killed when the test process exits. */
export interface RunningProcess {
  /** The child process. */
  readonly process: ChildProcess;
  /** Output it wrote, for failure messages. */
  log(): string;
  /** Terminates it (SIGTERM, then SIGKILL after 5 s) and waits for its exit. */
  stop(): Promise<void>;
}

/** Spawns a long-running binary with extra environment, collecting its output. */
export function startProcess(binary: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningProcess {
  const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killNow = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killNow);
  return {
    process: child,
    log: () => output,
    async stop() {
      process.removeListener("exit", killNow);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(killNow, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilServing(url: string, child: RunningProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${url}: the process exited with ${child.process.exitCode}:\n${child.log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${child.log()}`);
}

async function apiGet<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${url}: ${body.error ?? response.status}`);
  return body.data;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
