import type { HealthSpec, Probe } from "../model.js";

/** An HTTP GET check against a named port. */
export function httpProbe(path: string, port: string): Probe {
  return { http: { path, port } };
}

/** Liveness and readiness checks with the stack's default timing, overridable per service. */
export function healthSpec(checks: Pick<HealthSpec, "readiness" | "liveness"> & Partial<HealthSpec>): HealthSpec {
  return { startPeriodSeconds: 30, intervalSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, ...checks };
}
