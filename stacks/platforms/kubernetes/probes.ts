import type { types } from "@pulumi/kubernetes";
import type { Probe, ServiceSpec } from "../../model.js";

/** What probes are built from: a service or one of its sidecars. */
type Checked = Pick<ServiceSpec, "ports" | "health"> & { readonly name: string };

type K8sProbe = types.input.core.v1.Probe;

/** The container's liveness, readiness and (when the spec has a start period) startup probes. */
export interface ContainerProbes {
  /** Restarts the container when it fails. */
  readonly livenessProbe: K8sProbe;
  /** Takes the pod out of its Services while it fails. */
  readonly readinessProbe: K8sProbe;
  /** Holds off the other probes until the first success, for up to the start period. */
  readonly startupProbe?: K8sProbe;
}

/** Maps the spec's health checks to probes; probe ports must name one of the spec's ports. */
export function probesFor(spec: Checked): ContainerProbes {
  const { health } = spec;
  const timing = { periodSeconds: health.intervalSeconds, timeoutSeconds: health.timeoutSeconds, failureThreshold: health.failureThreshold };
  const liveness = handler(spec, health.liveness);
  const probes: ContainerProbes = {
    livenessProbe: { ...liveness, ...timing },
    readinessProbe: { ...handler(spec, health.readiness), ...timing },
  };
  if (health.startPeriodSeconds <= 0) return probes;
  return {
    ...probes,
    startupProbe: {
      ...liveness,
      ...timing,
      failureThreshold: Math.ceil(health.startPeriodSeconds / health.intervalSeconds) + health.failureThreshold,
    },
  };
}

function handler(spec: Checked, probe: Probe): Pick<K8sProbe, "httpGet" | "exec" | "tcpSocket"> {
  if ("http" in probe) return { httpGet: { path: probe.http.path, port: portName(spec, probe.http.port) } };
  if ("tcp" in probe) return { tcpSocket: { port: portName(spec, probe.tcp.port) } };
  return { exec: { command: [...probe.exec] } };
}

/** Returns `name` when the spec declares a port of that name; throws otherwise. */
export function portName(spec: Checked, name: string): string {
  if (!spec.ports.some((p) => p.name === name)) {
    throw new Error(`${spec.name}: no port named '${name}' (ports: ${spec.ports.map((p) => p.name).join(", ") || "none"})`);
  }
  return name;
}
