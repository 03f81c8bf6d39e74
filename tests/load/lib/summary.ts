/** One metric as k6 hands it to handleSummary. */
export interface MetricSummary {
  readonly type: "counter" | "gauge" | "rate" | "trend";
  /** "time" for durations in ms, "data" for bytes, "default" otherwise. */
  readonly contains?: string;
  readonly values: Readonly<Record<string, number>>;
  /** Threshold expression → whether it held. */
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

/** The part of k6's handleSummary data this module reads; setup_data is dropped from every output. */
export interface SummaryData {
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  readonly state?: { readonly testRunDurationMs?: number };
  readonly setup_data?: unknown;
  readonly [key: string]: unknown;
}

/** One threshold of the gate and how it went. */
export interface GateResult {
  /** Metric with its tag filter, e.g. rt_latency{kind:broadcast}. */
  readonly metric: string;
  /** The k6 expression, e.g. p(95)<100. */
  readonly expression: string;
  readonly ok: boolean;
  /** The measured aggregate, formatted with its unit. */
  readonly actual: string;
}

/** What the report says about the run besides the metrics. */
export interface ReportMeta {
  /** First line, e.g. "realtime average on staging". */
  readonly title: string;
  /** Plan lines printed under the title. */
  readonly plan: readonly string[];
}

const REPORT_ONLY = new Set(["count>=0", "min>=0"]);
const EXPRESSION = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(?:<=|>=|==|!=|<|>)/;

function format(metric: MetricSummary | undefined, stat: string): string {
  const value = metric?.values[stat];
  if (value === undefined || !Number.isFinite(value)) return "n/a";
  if (metric?.type === "rate" && stat === "rate") return `${(value * 100).toFixed(3)} %`;
  if (metric?.contains === "time") return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Every real gate (report-only thresholds left out), sorted by metric. */
export function gateResults(data: SummaryData): GateResult[] {
  const results: GateResult[] = [];
  for (const [metric, summary] of Object.entries(data.metrics)) {
    for (const [expression, { ok }] of Object.entries(summary.thresholds ?? {})) {
      if (REPORT_ONLY.has(expression.replace(/\s+/g, ""))) continue;
      const stat = EXPRESSION.exec(expression)?.[1] ?? "";
      results.push({ metric, expression, ok, actual: format(summary, stat) });
    }
  }
  return results.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

function tagged(data: SummaryData, base: string, tag: string): [string, MetricSummary][] {
  const prefix = `${base}{${tag}:`;
  return Object.entries(data.metrics)
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, m]): [string, MetricSummary] => [name.slice(prefix.length, -1), m]);
}

function realtimeLines(data: SummaryData): string[] {
  const m = data.metrics;
  if (!m["rt_join_ok"] && !m["rt_sent"]) return [];
  const lines = ["Realtime"];
  lines.push(`  connect p95 ${format(m["ws_connecting"], "p(95)")}, joins ok ${format(m["rt_join_ok"], "rate")} of ${m["rt_join_ok"] ? (m["rt_join_ok"].values["passes"] ?? 0) + (m["rt_join_ok"].values["fails"] ?? 0) : 0}`);
  lines.push(`  broadcasts sent ${format(m["rt_sent"], "count")}, delivered ${format(m["rt_received"], "count")}, lost ${format(m["rt_lost"], "count")} (loss ${format(m["rt_loss"], "rate")})`);
  for (const [kind, trend] of tagged(data, "rt_latency", "kind")) {
    if ((trend.values["count"] ?? 1) === 0) continue;
    lines.push(`  latency ${kind.padEnd(9)} p50 ${format(trend, "med")}  p95 ${format(trend, "p(95)")}  p99 ${format(trend, "p(99)")}  max ${format(trend, "max")}`);
  }
  const errors = tagged(data, "rt_errors", "reason").filter(([, c]) => (c.values["count"] ?? 0) > 0);
  lines.push(errors.length ? `  errors: ${errors.map(([reason, c]) => `${reason} ${c.values["count"]}`).join(", ")}` : "  errors: none");
  return lines;
}

function httpLines(data: SummaryData): string[] {
  const lines: string[] = [];
  for (const api of ["rest", "auth"]) {
    const duration = data.metrics[`http_req_duration{api:${api}}`];
    const failed = data.metrics[`http_req_failed{api:${api}}`];
    if (!duration && !failed) continue;
    lines.push(`${api === "rest" ? "REST" : "Auth"}: p95 ${format(duration, "p(95)")}, p99 ${format(duration, "p(99)")}, failed ${format(failed, "rate")}`);
  }
  return lines;
}

/** A plain-text report: title, plan, gate table with the verdict, then Realtime and HTTP figures. */
export function textReport(data: SummaryData, meta: ReportMeta): string {
  const gates = gateResults(data);
  const failed = gates.filter((g) => !g.ok);
  const width = Math.max(4, ...gates.map((g) => `${g.metric} ${g.expression}`.length));
  const seconds = data.state?.testRunDurationMs === undefined ? "" : ` in ${(data.state.testRunDurationMs / 1000).toFixed(0)} s`;
  const lines = [`k6 load test: ${meta.title}${seconds}`, ...meta.plan, "", `  ${"gate".padEnd(width)}  result  measured`];
  for (const g of gates) lines.push(`${g.ok ? "✔" : "✖"} ${`${g.metric} ${g.expression}`.padEnd(width)}  ${g.ok ? "pass  " : "FAIL  "}  ${g.actual}`);
  lines.push(
    failed.length
      ? `verdict: FAIL, ${failed.length} of ${gates.length} gates failed (k6 exits 99)`
      : `verdict: PASS, all ${gates.length} gates held`,
    "",
    ...realtimeLines(data),
    ...httpLines(data),
  );
  return `${lines.join("\n").trimEnd()}\n`;
}

/** handleSummary's return value: the report on stdout, and `<basePath>.txt` and `<basePath>.json` (setup_data removed: it holds credentials). */
export function summaryOutputs(data: SummaryData, meta: ReportMeta, basePath: string): Record<string, string> {
  const { setup_data: _dropped, ...rest } = data;
  const report = textReport(data, meta);
  return { stdout: report, [`${basePath}.txt`]: report, [`${basePath}.json`]: `${JSON.stringify(rest, null, 2)}\n` };
}
