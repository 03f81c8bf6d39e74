import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary } from "./binaries.js";
import { freePort } from "../../scripts/lib/free-port.js";

/** A throwaway Prometheus Pushgateway started by a test suite. */
export interface PushgatewayServer {
  readonly url: string;
  /** The exposition text of GET /metrics. */
  metrics(): Promise<string>;
  /** Value of the series named `name` whose labels include `labels`; undefined when absent. */
  value(name: string, labels: Readonly<Record<string, string>>): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Parses `name{a="b",…} value` lines; returns the first sample of `name` carrying every given label. */
export function sampleValue(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? "";
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

/** Starts prometheus-pushgateway on a free port without persistence; `stop()` kills it. */
export async function startPushgateway(): Promise<PushgatewayServer> {
  const binary = requireBinary("prometheus-pushgateway", "prometheus-pushgateway");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pushgateway-"));
  const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, "data")}`], { stdio: "ignore" });
  const stopNow = (): void => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopNow);
  const url = `http://127.0.0.1:${port}`;
  const metrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      if (attempt > 100) throw new Error(`prometheus-pushgateway did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    metrics,
    value: async (name, labels) => sampleValue(await metrics(), name, labels),
    async stop() {
      process.removeListener("exit", stopNow);
      stopNow();
    },
  };
}
