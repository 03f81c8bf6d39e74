import { describe, expect, it } from "vitest";
import { ERROR_REASONS } from "../../tests/load/lib/protocol.js";
import { type SummaryData, gateResults, summaryOutputs, textReport } from "../../tests/load/lib/summary.js";
import { GATES, authThresholds, realtimeThresholds, restThresholds } from "../../tests/load/lib/thresholds.js";

const trend = (values: Record<string, number>, thresholds?: Record<string, boolean>) => ({
  type: "trend" as const,
  contains: "time",
  values,
  ...(thresholds && { thresholds: Object.fromEntries(Object.entries(thresholds).map(([k, ok]) => [k, { ok }])) }),
});

/** handleSummary data as k6 hands it over after a run where the broadcast p99 gate failed. */
const DATA: SummaryData = {
  state: { testRunDurationMs: 725_400 },
  setup_data: { users: [{ id: "u1", email: "loadtest+x-0@example.com", password: "hunter2-secret" }] },
  metrics: {
    ws_connecting: trend({ "p(95)": 312.4, "p(99)": 640 }, { "p(95)<1000": true }),
    rt_join_ok: { type: "rate", values: { rate: 0.99995, passes: 9999, fails: 1 }, thresholds: { "rate>0.999": { ok: true } } },
    "rt_latency{kind:broadcast}": trend({ med: 12, "p(95)": 88.2, "p(99)": 301.5, max: 900, count: 5_000_000 }, { "p(95)<100": true, "p(99)<250": false }),
    "rt_latency{kind:ack}": trend({ med: 3, "p(95)": 9, "p(99)": 15, max: 40, count: 72_500 }, { "min>=0": true }),
    "rt_latency{kind:heartbeat}": trend({ count: 0 }, { "min>=0": true }),
    rt_loss: { type: "rate", values: { rate: 0.00002 }, thresholds: { "rate<0.001": { ok: true } } },
    rt_sent: { type: "counter", values: { count: 72_500 } },
    rt_received: { type: "counter", values: { count: 7_177_356 } },
    rt_lost: { type: "counter", values: { count: 144 } },
    "rt_errors{reason:join_rate_limit}": { type: "counter", values: { count: 1 }, thresholds: { "count>=0": { ok: true } } },
    "rt_errors{reason:too_many_users}": { type: "counter", values: { count: 0 }, thresholds: { "count>=0": { ok: true } } },
    "http_req_duration{api:rest}": trend({ "p(95)": 41, "p(99)": 90 }, { "p(95)<200": true }),
    "http_req_failed{api:rest}": { type: "rate", values: { rate: 0.002 }, thresholds: { "rate<0.01": { ok: true } } },
  },
};

describe("thresholds", () => {
  it("are the release gate", () => {
    expect({ ...realtimeThresholds([]), ...restThresholds() }).toMatchObject({
      ws_connecting: ["p(95)<1000"],
      rt_join_ok: ["rate>0.999"],
      "rt_latency{kind:broadcast}": ["p(95)<100", "p(99)<250"],
      rt_loss: ["rate<0.001"],
      "http_req_duration{api:rest}": ["p(95)<200"],
      "http_req_failed{api:rest}": ["rate<0.01"],
    });
    expect(GATES).toMatchObject({ wsConnectP95Ms: 1000, joinSuccessRate: 0.999, broadcastP95Ms: 100, broadcastP99Ms: 250, messageLossRate: 0.001, restP95Ms: 200, restErrorRate: 0.01 });
  });

  it("list every error reason as a report-only sub-metric that the report does not count as a gate", () => {
    const thresholds = { ...realtimeThresholds(ERROR_REASONS), ...authThresholds() };
    for (const reason of ERROR_REASONS) expect(thresholds[`rt_errors{reason:${reason}}`]).toEqual(["count>=0"]);
    const reportOnly = Object.entries(thresholds).filter(([, expressions]) => expressions.some((e) => e.endsWith(">=0")));
    const data: SummaryData = {
      metrics: Object.fromEntries(reportOnly.map(([metric, expressions]) => [metric, { type: "counter", values: { count: 1 }, thresholds: Object.fromEntries(expressions.map((e) => [e, { ok: true }])) }])),
    };
    expect(gateResults(data)).toEqual([]);
  });
});

describe("summary", () => {
  it("lists the gates with their measured values and the verdict", () => {
    expect(gateResults(DATA)).toEqual([
      { metric: "http_req_duration{api:rest}", expression: "p(95)<200", ok: true, actual: "41.0 ms" },
      { metric: "http_req_failed{api:rest}", expression: "rate<0.01", ok: true, actual: "0.200 %" },
      { metric: "rt_join_ok", expression: "rate>0.999", ok: true, actual: "99.995 %" },
      { metric: "rt_latency{kind:broadcast}", expression: "p(95)<100", ok: true, actual: "88.2 ms" },
      { metric: "rt_latency{kind:broadcast}", expression: "p(99)<250", ok: false, actual: "301.5 ms" },
      { metric: "rt_loss", expression: "rate<0.001", ok: true, actual: "0.002 %" },
      { metric: "ws_connecting", expression: "p(95)<1000", ok: true, actual: "312.4 ms" },
    ]);
    const report = textReport(DATA, { title: "all average on staging", plan: ["average: peak 10000 connections"] });
    expect(report).toContain("k6 load test: all average on staging in 725 s");
    expect(report).toContain("✖ rt_latency{kind:broadcast} p(99)<250");
    expect(report).toContain("verdict: FAIL, 1 of 7 gates failed (k6 exits 99)");
    expect(report).toContain("broadcasts sent 72500, delivered 7177356, lost 144 (loss 0.002 %)");
    expect(report).toContain("latency broadcast p50 12.0 ms  p95 88.2 ms  p99 301.5 ms  max 900.0 ms");
    expect(report).not.toContain("latency heartbeat");
    expect(report).toContain("errors: join_rate_limit 1");
    expect(report).toContain("REST: p95 41.0 ms, p99 90.0 ms, failed 0.200 %");
  });

  it("writes stdout, a text report and JSON without setup_data (it holds passwords)", () => {
    const outputs = summaryOutputs(DATA, { title: "t", plan: [] }, "tmp/run/all-average");
    expect(Object.keys(outputs).sort()).toEqual(["stdout", "tmp/run/all-average.json", "tmp/run/all-average.txt"]);
    expect(outputs["stdout"]).toBe(outputs["tmp/run/all-average.txt"]);
    expect(outputs["tmp/run/all-average.json"]).not.toContain("hunter2-secret");
    expect(JSON.parse(outputs["tmp/run/all-average.json"]!)).toMatchObject({ metrics: { rt_sent: { values: { count: 72_500 } } } });
  });

  it("passes when every gate holds", () => {
    const ok: SummaryData = { metrics: { ws_connecting: trend({ "p(95)": 1200 }, { "p(95)<1000": true }) } };
    expect(textReport(ok, { title: "t", plan: [] })).toContain("verdict: PASS, all 1 gates held");
    expect(gateResults(ok)[0]?.actual).toBe("1.20 s");
  });
});
