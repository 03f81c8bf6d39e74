/** The release gate in numbers; the k6 thresholds and the distributed PromQL gate are both built from it. */
export const GATES = {
  /** WebSocket handshake p95, ms. */
  wsConnectP95Ms: 1000,
  /** Share of channel joins answered ok. */
  joinSuccessRate: 0.999,
  /** Publisher-to-subscriber broadcast latency p95 and p99, ms. */
  broadcastP95Ms: 100,
  broadcastP99Ms: 250,
  /** Share of expected broadcast deliveries that never arrived. */
  messageLossRate: 0.001,
  /** PostgREST request duration p95, ms, and failed-request share. */
  restP95Ms: 200,
  restErrorRate: 0.01,
  /** GoTrue failed-request share (sign-in and refresh). */
  authErrorRate: 0.01,
} as const;

/** k6 `thresholds`: metric (with optional tag filter) → expressions. */
export type Thresholds = Record<string, string[]>;

/** Realtime gates, plus always-true `min>=0`/`count>=0` entries that only make k6 report the other latency kinds and every error reason. */
export function realtimeThresholds(errorReasons: readonly string[]): Thresholds {
  return {
    ws_connecting: [`p(95)<${GATES.wsConnectP95Ms}`],
    rt_join_ok: [`rate>${GATES.joinSuccessRate}`],
    "rt_latency{kind:broadcast}": [`p(95)<${GATES.broadcastP95Ms}`, `p(99)<${GATES.broadcastP99Ms}`],
    rt_loss: [`rate<${GATES.messageLossRate}`],
    "rt_latency{kind:ack}": ["min>=0"],
    "rt_latency{kind:heartbeat}": ["min>=0"],
    ...Object.fromEntries(errorReasons.map((reason) => [`rt_errors{reason:${reason}}`, ["count>=0"]])),
  };
}

/** PostgREST gates on requests tagged api=rest. */
export function restThresholds(): Thresholds {
  return {
    "http_req_duration{api:rest}": [`p(95)<${GATES.restP95Ms}`],
    "http_req_failed{api:rest}": [`rate<${GATES.restErrorRate}`],
  };
}

/** GoTrue gate on requests tagged api=auth. */
export function authThresholds(): Thresholds {
  return {
    "http_req_failed{api:auth}": [`rate<${GATES.authErrorRate}`],
    "http_req_duration{api:auth}": ["min>=0"],
  };
}
