import type { ScenarioName } from "./settings.ts";

/** Connections of a smoke run, whatever the target: two rooms of ten. */
export const SMOKE_CONNECTIONS = 20;
/** Room size of a smoke run. */
export const SMOKE_ROOM_SIZE = 10;
/** Time the rooms scenario may overrun the plan: a join timeout, the loss window and close handshakes. */
export const PLAN_SLACK_MS = 60_000;

/** What a run asks for. */
export interface PlanRequest {
  readonly scenario: ScenarioName;
  /** Peak concurrent WebSocket connections (publishers included). */
  readonly target: number;
  /** Most joins per second the run may make, all generators together (whole number). */
  readonly joinRate: number;
  /** Sockets per room: one publisher and roomSize - 1 subscribers. */
  readonly roomSize: number;
  /** Replaces the hold at peak, in seconds (e.g. a longer soak). */
  readonly holdSeconds?: number;
}

/** One step of the timeline: ramp to (or drop to) a connection count, then hold it. */
export interface Phase {
  /** Connections open once the step has ramped. */
  readonly connections: number;
  /** Start of the step, ms after the scenario start. */
  readonly startMs: number;
  /** Time spent opening connections at the join rate; 0 for drops and flat steps. */
  readonly rampMs: number;
  /** Time spent at `connections` after the ramp. */
  readonly holdMs: number;
}

/** The connection schedule of one run: who opens when, in which room. */
export interface ConnectionPlan {
  readonly scenario: ScenarioName;
  /** Highest number of concurrent connections. */
  readonly peak: number;
  readonly joinRate: number;
  readonly roomSize: number;
  /** Rooms, one per VU; connection n belongs to room n mod rooms. */
  readonly rooms: number;
  readonly phases: readonly Phase[];
  /** From the scenario start until every connection is closed. */
  readonly durationMs: number;
  /** Time between two broadcasts of a room's publisher. */
  readonly publishIntervalMs: number;
}

/** k6 per-vu-iterations settings: one VU runs one room for the whole plan. */
export interface RoomsScenario {
  readonly executor: "per-vu-iterations";
  readonly vus: number;
  readonly iterations: 1;
  readonly maxDuration: string;
  readonly gracefulStop: string;
  readonly exec: string;
}

interface Shape {
  readonly steps: readonly { readonly level: number; readonly holdSeconds: number }[];
  readonly publishIntervalMs: number;
}

const SHAPES: Record<ScenarioName, Shape> = {
  smoke: { steps: [{ level: 1, holdSeconds: 60 }], publishIntervalMs: 1000 },
  average: { steps: [{ level: 1, holdSeconds: 600 }], publishIntervalMs: 1000 },
  stress: {
    steps: [
      { level: 0.5, holdSeconds: 300 },
      { level: 0.75, holdSeconds: 300 },
      { level: 1, holdSeconds: 600 },
    ],
    publishIntervalMs: 250,
  },
  soak: { steps: [{ level: 1, holdSeconds: 7200 }], publishIntervalMs: 1000 },
  spike: {
    steps: [
      { level: 0.1, holdSeconds: 60 },
      { level: 1, holdSeconds: 120 },
      { level: 0.1, holdSeconds: 60 },
    ],
    publishIntervalMs: 1000,
  },
};

function requireWhole(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: got ${value}; expected a whole number >= 1`);
}

/** Plans the connection timeline: ramps open connections no faster than joinRate, drops close them at once. */
export function planConnections(request: PlanRequest): ConnectionPlan {
  requireWhole("target", request.target);
  requireWhole("joinRate", request.joinRate);
  requireWhole("roomSize", request.roomSize);
  if (request.holdSeconds !== undefined && (!Number.isFinite(request.holdSeconds) || request.holdSeconds < 0)) {
    throw new RangeError(`holdSeconds: got ${request.holdSeconds}; expected a number of seconds >= 0`);
  }
  const smoke = request.scenario === "smoke";
  const peak = smoke ? Math.min(request.target, SMOKE_CONNECTIONS) : request.target;
  const roomSize = smoke ? Math.min(request.roomSize, SMOKE_ROOM_SIZE) : request.roomSize;
  const shape = SHAPES[request.scenario];
  const phases: Phase[] = [];
  let startMs = 0;
  let open = 0;
  for (const step of shape.steps) {
    const connections = step.level === 1 ? peak : Math.max(1, Math.round(step.level * peak));
    const rampMs = connections > open ? Math.ceil(((connections - open) * 1000) / request.joinRate) : 0;
    const holdSeconds = step.level === 1 && request.holdSeconds !== undefined ? request.holdSeconds : step.holdSeconds;
    const holdMs = Math.round(holdSeconds * 1000);
    phases.push({ connections, startMs, rampMs, holdMs });
    startMs += rampMs + holdMs;
    open = connections;
  }
  return {
    scenario: request.scenario,
    peak,
    joinRate: request.joinRate,
    roomSize,
    rooms: Math.ceil(peak / roomSize),
    phases,
    durationMs: startMs,
    publishIntervalMs: shape.publishIntervalMs,
  };
}

/** When connection n opens, in ms after the scenario start. */
export function openAtMs(plan: ConnectionPlan, n: number): number {
  let before = 0;
  for (const phase of plan.phases) {
    if (n < phase.connections && n >= before) return phase.startMs + Math.ceil(((n - before) * 1000) / plan.joinRate);
    before = Math.max(before, phase.connections);
  }
  throw new RangeError(`connection ${n}: the plan opens connections 0..${plan.peak - 1}`);
}

/** When connection n closes, in ms after the scenario start: at the first drop below it, else at the end. */
export function closeAtMs(plan: ConnectionPlan, n: number): number {
  const opened = openAtMs(plan, n);
  const drop = plan.phases.find((phase) => phase.startMs > opened && phase.connections <= n);
  return drop ? drop.startMs : plan.durationMs;
}

/** Global index of a room member: members are striped over rooms so every room fills at the same pace. */
export function connectionIndex(plan: ConnectionPlan, room: number, member: number): number {
  return member * plan.rooms + room;
}

/** Number of members of a room (the last rooms may have one fewer). */
export function roomMembers(plan: ConnectionPlan, room: number): number {
  return Math.ceil((plan.peak - room) / plan.rooms);
}

/** The k6 scenario that runs the plan: one VU per room, one iteration each. */
export function roomsScenario(plan: ConnectionPlan, exec: string): RoomsScenario {
  return {
    executor: "per-vu-iterations",
    vus: plan.rooms,
    iterations: 1,
    maxDuration: `${Math.ceil((plan.durationMs + PLAN_SLACK_MS) / 1000)}s`,
    gracefulStop: "30s",
    exec,
  };
}

/** Realtime events per second at peak: each broadcast counts once sent and once per delivery (tenant max_events_per_second). */
export function peakEventsPerSecond(plan: ConnectionPlan): number {
  return Math.ceil((plan.peak * 1000) / plan.publishIntervalMs);
}

/** One line per phase, for the dry run and the report. */
export function describePlan(plan: ConnectionPlan): string[] {
  const s = (ms: number): string => `${Math.round(ms / 100) / 10}s`;
  const head = `${plan.scenario}: peak ${plan.peak} connections in ${plan.rooms} room(s) of <= ${plan.roomSize}, joins <= ${plan.joinRate}/s, one broadcast per room every ${plan.publishIntervalMs} ms, ${s(plan.durationMs)} in all`;
  let open = 0;
  const lines = plan.phases.map((p) => {
    const verb = p.connections > open ? `ramp to ${p.connections} over ${s(p.rampMs)}` : p.connections < open ? `drop to ${p.connections}` : `stay at ${p.connections}`;
    open = p.connections;
    return `  at ${s(p.startMs)}: ${verb}, hold ${s(p.holdMs)}`;
  });
  return [head, ...lines];
}
