import type { StackConfig } from "../config.js";

/** Share of the tenant's join limit a load run may use, leaving room for real clients and bucket edges. */
export const JOIN_RATE_SHARE = 0.8;

/** The Realtime tenant limits a load run must respect. */
export type RealtimeLimits = Pick<StackConfig["realtime"], "maxConcurrentUsers" | "maxJoinsPerSecond" | "maxEventsPerSecond">;

/** Joins per second for a run: 80 % of realtime.maxJoinsPerSecond, at least 1. */
export function joinRateFor(limits: RealtimeLimits): number {
  return Math.max(1, Math.floor(limits.maxJoinsPerSecond * JOIN_RATE_SHARE));
}

/** A tenant limit a planned run would break. */
export interface LimitProblem {
  /** target: too many connections (a bad --target); events: too many events per second. */
  readonly limit: "target" | "events";
  readonly message: string;
}

/** Why a run of `connections` peak sockets and `eventsPerSecond` would hit the tenant limits; empty when it fits. */
export function limitProblems(stack: string, connections: number, eventsPerSecond: number, limits: RealtimeLimits): LimitProblem[] {
  const problems: LimitProblem[] = [];
  if (connections > limits.maxConcurrentUsers) {
    problems.push({
      limit: "target",
      message: `${connections} connections (--target, default 10000): the ${stack} stack allows at most ${limits.maxConcurrentUsers} concurrent Realtime users (supabase:realtime.maxConcurrentUsers in stacks/Pulumi.${stack}.yaml); Realtime would answer HTTP 429 "Too many connected users" above it. Pass --target ${limits.maxConcurrentUsers} or less, or raise the limit and deploy first`,
    });
  }
  if (eventsPerSecond > limits.maxEventsPerSecond) {
    problems.push({
      limit: "events",
      message: `the run would make about ${eventsPerSecond} Realtime events/s at peak but the ${stack} stack allows ${limits.maxEventsPerSecond} (supabase:realtime.maxEventsPerSecond); channels would be closed with "Too many messages per second". Lower --target, or raise the limit and deploy first`,
    });
  }
  return problems;
}
