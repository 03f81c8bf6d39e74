import type { HealthSpec, Probe, ServiceSpec } from "../../model.js";
import { imageFacts, type HealthTool } from "./images.js";

/** Safe inside a single-quoted shell word and as a printf format: no quotes, spaces, backslashes or percent signs. */
const HTTP_PATH = /^\/[A-Za-z0-9._~/?=&-]*$/;

/**
 * The Docker health check test (`["CMD", ...argv]`) for the spec's readiness probe.
 * Exec probes run as given; http and tcp probes run with the tool the image ships (see images.ts).
 * Throws when the image cannot run the probe, naming the spec and what to do instead.
 */
export function healthTest(spec: ServiceSpec): string[] {
  const probe = spec.health.readiness;
  if ("exec" in probe) return ["CMD", ...probe.exec];
  const facts = imageFacts(spec.image);
  if (!facts) throw new Error(`${spec.name}: no known health tool for image ${spec.image}; give the spec an exec readiness probe`);
  const argv = probeCommand(facts.healthTool, probe, spec);
  if (!argv) {
    throw new Error(`${spec.name}: image ${spec.image} cannot run a ${"http" in probe ? "http" : "tcp"} probe (it ships ${facts.healthTool}); give the spec an exec readiness probe`);
  }
  return ["CMD", ...argv];
}

/** Seconds to wait for a new container to turn healthy: the start period plus every allowed failure, and a margin. */
export function healthyWithinSeconds(health: HealthSpec): number {
  return health.startPeriodSeconds + health.failureThreshold * (health.intervalSeconds + health.timeoutSeconds) + 30;
}

/** The container port number behind a named spec port; throws when the spec has no such port. */
export function portNumber(spec: ServiceSpec, name: string): number {
  const port = spec.ports.find((p) => p.name === name);
  if (!port) throw new Error(`${spec.name}: no port named '${name}' (ports: ${spec.ports.map((p) => p.name).join(", ") || "none"})`);
  return port.port;
}

function probeCommand(tool: HealthTool, probe: Exclude<Probe, { exec: unknown }>, spec: ServiceSpec): string[] | undefined {
  if ("tcp" in probe) {
    return tool === "bash" ? ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${portNumber(spec, probe.tcp.port)}`] : undefined;
  }
  const { path } = probe.http;
  if (!HTTP_PATH.test(path)) throw new Error(`${spec.name}: health check path '${path}' must be an absolute URL path without quotes, spaces, backslashes or %`);
  const port = portNumber(spec, probe.http.port);
  const url = `http://127.0.0.1:${port}${path}`;
  switch (tool) {
    case "curl":
      return ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", url];
    case "wget":
      return ["wget", "--no-verbose", "--tries=1", "--spider", url];
    case "bash":
      return [
        "bash",
        "-c",
        `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/[0-9.]* 2'`,
      ];
    case "postgrest":
      return path === "/ready" || path === "/live" ? ["postgrest", "--ready"] : undefined;
  }
}
