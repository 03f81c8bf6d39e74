import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../../tests/load/lib/settings.js";
import {
  SMOKE_CONNECTIONS,
  type ConnectionPlan,
  closeAtMs,
  connectionIndex,
  describePlan,
  openAtMs,
  peakEventsPerSecond,
  planConnections,
  roomMembers,
  roomsScenario,
} from "../../tests/load/lib/stages.js";
import { authScenario, restOperation, restScenario } from "../../tests/load/lib/traffic.js";

const requests = fc.record({
  scenario: fc.constantFrom(...SCENARIOS),
  target: fc.integer({ min: 1, max: 12_000 }),
  joinRate: fc.integer({ min: 1, max: 400 }),
  roomSize: fc.integer({ min: 1, max: 500 }),
  holdSeconds: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }),
});

function opens(plan: ConnectionPlan): number[] {
  return Array.from({ length: plan.peak }, (_, n) => openAtMs(plan, n)).sort((a, b) => a - b);
}

/** Most connections opened in any window of one second: the join rate the tenant sees. */
function busiestSecond(times: readonly number[]): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Connections open at time t (open <= t < close). */
function openAt(plan: ConnectionPlan, t: number): number {
  let count = 0;
  for (let n = 0; n < plan.peak; n++) if (openAtMs(plan, n) <= t && t < closeAtMs(plan, n)) count++;
  return count;
}

describe("planConnections", () => {
  it("never opens more connections in any second than the join rate", () => {
    fc.assert(
      fc.property(requests, (request) => {
        const plan = planConnections(request);
        expect(busiestSecond(opens(plan))).toBeLessThanOrEqual(request.joinRate);
      }),
      { numRuns: 150 },
    );
  });

  it("reaches the target (smoke: at most 20) and holds it", () => {
    fc.assert(
      fc.property(requests, (request) => {
        const plan = planConnections(request);
        const expected = request.scenario === "smoke" ? Math.min(request.target, SMOKE_CONNECTIONS) : request.target;
        expect(plan.peak).toBe(expected);
        expect(openAt(plan, Math.max(...opens(plan)))).toBe(plan.peak);
        expect(Math.max(...plan.phases.map((p) => p.connections))).toBe(plan.peak);
      }),
      { numRuns: 60 },
    );
  });

  it("opens every connection once, closes it later, and ends with none open", () => {
    fc.assert(
      fc.property(requests, (request) => {
        const plan = planConnections(request);
        const badLifetimes = Array.from({ length: plan.peak }, (_, n) => n).filter(
          (n) => !(closeAtMs(plan, n) > openAtMs(plan, n) && closeAtMs(plan, n) <= plan.durationMs),
        );
        expect(badLifetimes).toEqual([]);
        expect(openAt(plan, plan.durationMs)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("puts every connection in exactly one room slot, rooms no larger than the room size", () => {
    fc.assert(
      fc.property(requests, (request) => {
        const plan = planConnections(request);
        const seen = new Set<number>();
        for (let room = 0; room < plan.rooms; room++) {
          const members = roomMembers(plan, room);
          expect(members).toBeGreaterThanOrEqual(1);
          expect(members).toBeLessThanOrEqual(plan.roomSize);
          for (let m = 0; m < members; m++) seen.add(connectionIndex(plan, room, m));
        }
        expect(seen.size).toBe(plan.peak);
        expect(Math.max(...seen)).toBe(plan.peak - 1);
      }),
      { numRuns: 100 },
    );
  });

  it("opens each room's publisher (member 0) before its subscribers", () => {
    const plan = planConnections({ scenario: "average", target: 10_000, joinRate: 80, roomSize: 100 });
    for (let room = 0; room < plan.rooms; room++) {
      expect(openAtMs(plan, connectionIndex(plan, room, 0))).toBeLessThan(openAtMs(plan, connectionIndex(plan, room, 1)));
    }
  });

  it("plans the 10k average run: 100 rooms of 100, 125 s ramp at 80 joins/s, 10 min hold", () => {
    const plan = planConnections({ scenario: "average", target: 10_000, joinRate: 80, roomSize: 100 });
    expect(plan).toMatchObject({ peak: 10_000, rooms: 100, durationMs: 725_000, phases: [{ connections: 10_000, startMs: 0, rampMs: 125_000, holdMs: 600_000 }] });
    expect(roomsScenario(plan, "realtimeRoom")).toEqual({ executor: "per-vu-iterations", vus: 100, iterations: 1, maxDuration: "785s", gracefulStop: "30s", exec: "realtimeRoom" });
    expect(peakEventsPerSecond(plan)).toBe(10_000);
    expect(describePlan(plan)[1]).toBe("  at 0s: ramp to 10000 over 125s, hold 600s");
  });

  it("drops the spike back to 10 % and closes exactly the spike's connections", () => {
    const plan = planConnections({ scenario: "spike", target: 1000, joinRate: 100, roomSize: 50 });
    expect(plan.phases.map((p) => p.connections)).toEqual([100, 1000, 100]);
    const drop = plan.phases[2]!;
    expect(openAt(plan, drop.startMs)).toBe(100);
    expect(closeAtMs(plan, 99)).toBe(plan.durationMs);
    expect(closeAtMs(plan, 100)).toBe(drop.startMs);
  });

  it("rejects bad inputs with the name and the allowed values", () => {
    expect(() => planConnections({ scenario: "average", target: 0, joinRate: 1, roomSize: 1 })).toThrow("target: got 0; expected a whole number >= 1");
    expect(() => planConnections({ scenario: "average", target: 5, joinRate: 2.5, roomSize: 1 })).toThrow("joinRate: got 2.5");
  });
});

describe("HTTP traffic", () => {
  it("keeps auth under GoTrue's token budget: two /token calls per iteration, 80 % of the limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 10_000 }), (limit) => {
        const scenario = authScenario(limit, 600_000, "authFlow");
        expect(scenario.timeUnit).toBe("5m");
        expect(scenario.rate * 2).toBeLessThanOrEqual(limit * 0.8);
        expect(scenario.rate).toBeGreaterThanOrEqual(1);
      }),
    );
    expect(authScenario(150, 60_000, "authFlow")).toMatchObject({ executor: "constant-arrival-rate", rate: 60, duration: "60s" });
  });

  it("runs REST as long as the realtime plan, constant or ramped by scenario", () => {
    expect(restScenario("average", 50, 725_000, "restTraffic")).toMatchObject({ executor: "constant-arrival-rate", rate: 50, timeUnit: "1s", duration: "725s" });
    expect(restScenario("smoke", 50, 60_000, "restTraffic")).toMatchObject({ rate: 1 });
    const stress = restScenario("stress", 50, 1_000_000, "restTraffic");
    expect(stress.executor).toBe("ramping-arrival-rate");
    if (stress.executor !== "ramping-arrival-rate") return;
    expect(Math.max(...stress.stages.map((s) => s.target))).toBe(100);
    expect(stress.stages.reduce((sum, s) => sum + Number(s.duration.slice(0, -1)), 0)).toBe(1000);
  });

  it("mixes 50 % anon reads, 30 % filtered reads and 20 % inserts", () => {
    const ops = Array.from({ length: 1000 }, (_, i) => restOperation(i));
    expect(ops.filter((o) => o === "read")).toHaveLength(500);
    expect(ops.filter((o) => o === "filtered")).toHaveLength(300);
    expect(ops.filter((o) => o === "insert")).toHaveLength(200);
  });
});
