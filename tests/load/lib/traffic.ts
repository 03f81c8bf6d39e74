import type { ScenarioName } from "./settings.ts";

/** One k6 arrival-rate stage: reach `target` iterations per timeUnit over `duration`. */
export interface RateStage {
  readonly duration: string;
  readonly target: number;
}

/** k6 constant-arrival-rate settings. */
export interface ConstantRateScenario {
  readonly executor: "constant-arrival-rate";
  readonly rate: number;
  readonly timeUnit: string;
  readonly duration: string;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly exec: string;
}

/** k6 ramping-arrival-rate settings. */
export interface RampingRateScenario {
  readonly executor: "ramping-arrival-rate";
  readonly startRate: number;
  readonly timeUnit: string;
  readonly stages: RateStage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly exec: string;
}

/** An HTTP traffic scenario. */
export type HttpScenario = ConstantRateScenario | RampingRateScenario;

/** The REST request kinds, in the proportions of a read-heavy app. */
export type RestOperation = "read" | "filtered" | "insert";

/** Token calls of one auth iteration: a password grant, then a refresh. */
export const AUTH_TOKEN_CALLS_PER_ITERATION = 2;
/** Share of a rate limit the suite uses, leaving room for clock drift and other clients. */
export const LIMIT_HEADROOM = 0.8;

/** REST rate multipliers per scenario: [share of the run, multiple of the base rate]. */
const REST_SHAPES: Record<ScenarioName, readonly (readonly [number, number])[]> = {
  smoke: [[1, 1]],
  average: [[1, 1]],
  stress: [
    [0.5, 1],
    [0.5, 2],
  ],
  soak: [[1, 1]],
  spike: [
    [0.3, 0.2],
    [0.4, 3],
    [0.3, 0.2],
  ],
};

const RAMP_MS = 5_000;
const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;
const vus = (peakPerSecond: number): { preAllocatedVUs: number; maxVUs: number } => ({
  preAllocatedVUs: Math.ceil(peakPerSecond / 2) + 5,
  maxVUs: Math.ceil(peakPerSecond * 2) + 20,
});

/** PostgREST traffic for the scenario at `ratePerSecond` requests per second (smoke: 1/s), lasting durationMs. */
export function restScenario(scenario: ScenarioName, ratePerSecond: number, durationMs: number, exec: string): HttpScenario {
  if (!(ratePerSecond > 0)) throw new RangeError(`REST rate: got ${ratePerSecond}; expected requests per second > 0`);
  const base = scenario === "smoke" ? 1 : ratePerSecond;
  const shape = REST_SHAPES[scenario];
  const peak = Math.max(...shape.map(([, m]) => Math.ceil(base * m)));
  if (shape.length === 1) {
    return { executor: "constant-arrival-rate", rate: Math.ceil(base), timeUnit: "1s", duration: seconds(durationMs), ...vus(peak), exec };
  }
  const stages = shape.flatMap(([share, multiple]) => {
    const target = Math.ceil(base * multiple);
    const phaseMs = share * durationMs;
    return [
      { duration: seconds(Math.min(RAMP_MS, phaseMs / 2)), target },
      { duration: seconds(phaseMs - Math.min(RAMP_MS, phaseMs / 2)), target },
    ];
  });
  return { executor: "ramping-arrival-rate", startRate: stages[0]?.target ?? 1, timeUnit: "1s", stages, ...vus(peak), exec };
}

/** Sign-in traffic paced under GoTrue's /token budget: iterations per 5 minutes so that token calls stay within LIMIT_HEADROOM of it. */
export function authScenario(tokenLimitPer5Min: number, durationMs: number, exec: string): ConstantRateScenario {
  const rate = Math.floor((tokenLimitPer5Min * LIMIT_HEADROOM) / AUTH_TOKEN_CALLS_PER_ITERATION);
  if (rate < 1) throw new RangeError(`auth token limit: got ${tokenLimitPer5Min} per 5 min; expected at least ${Math.ceil(AUTH_TOKEN_CALLS_PER_ITERATION / LIMIT_HEADROOM)}`);
  return { executor: "constant-arrival-rate", rate, timeUnit: "5m", duration: seconds(durationMs), preAllocatedVUs: 2, maxVUs: 10, exec };
}

/** The request an iteration makes: of every 10, 5 anon reads, 3 filtered reads and 2 inserts as a user. */
export function restOperation(iteration: number): RestOperation {
  const slot = iteration % 10;
  return slot < 5 ? "read" : slot < 8 ? "filtered" : "insert";
}
