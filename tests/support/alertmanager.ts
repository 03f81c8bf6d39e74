import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { requireBinary } from "./binaries.js";
import { freePort } from "../../scripts/lib/free-port.js";

/** The committed Alertmanager directory: alertmanager.yml and templates/. */
export const ALERTMANAGER_DIR = join(REPO_ROOT, "monitoring", "alertmanager");

/** Where the deployment mounts the receiver secret files; the committed config references them there. */
export const SECRETS_MOUNT = "/etc/alertmanager/secrets/";

/** The Debian package that ships amtool and the alertmanager binary. */
const DEBIAN_PACKAGE = "prometheus-alertmanager";

/** The parsed Alertmanager configuration, loosely typed for edits in tests. */
export type AlertmanagerConfig = Record<string, any>;

/** A copy of the committed configuration in a temp dir, with its secret files there too. */
export interface StagedConfig {
  /** The temp directory holding alertmanager.yml, templates/ and secrets/. */
  readonly dir: string;
  /** Path of the staged alertmanager.yml. */
  readonly configFile: string;
  /** Removes the directory. */
  remove(): void;
}

/** Options for staging a configuration. */
export interface StageOptions {
  /** Content of each secret file, by file name under the secrets mount. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Changes applied to the parsed configuration after the secret paths are rewritten. */
  readonly edit?: (config: AlertmanagerConfig) => void;
}

/** A throwaway Alertmanager started by a test. */
export interface AlertmanagerServer {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Output the process wrote, for failure messages. */
  log(): string;
  /** Stops the process and removes its files. */
  stop(): Promise<void>;
}

/** An alert as posted to and returned by the v2 API. */
export interface ApiAlert {
  /** Identifying labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations such as summary. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Present on returned alerts: active, suppressed or unprocessed, with the inhibiting fingerprints. */
  readonly status?: { readonly state: string; readonly inhibitedBy: readonly string[]; readonly silencedBy: readonly string[] };
  /** Present on returned alerts. */
  readonly fingerprint?: string;
  /** Receivers the alert was routed to, on returned alerts. */
  readonly receivers?: readonly { readonly name: string }[];
}

/** One alert group as returned by GET /api/v2/alerts/groups. */
export interface ApiAlertGroup {
  /** The group_by labels of the group. */
  readonly labels: Readonly<Record<string, string>>;
  /** The receiver the group notifies. */
  readonly receiver: { readonly name: string };
  /** The alerts of the group. */
  readonly alerts: readonly ApiAlert[];
}

/** Path of amtool, or a failure naming the package to install. */
function amtool(): string {
  return requireBinary("amtool", DEBIAN_PACKAGE);
}

/** What one amtool run returned. */
export interface AmtoolRun {
  /** Exit status. */
  readonly status: number | null;
  /** Standard output alone. */
  readonly stdout: string;
  /** Standard output and error, for failure messages. */
  readonly output: string;
}

/** Runs amtool. */
export function runAmtool(args: readonly string[]): AmtoolRun {
  const run = spawnSync(amtool(), args, { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, output: `${run.stdout}${run.stderr}` };
}

/** Parses the committed alertmanager.yml. */
export function loadCommittedConfig(): AlertmanagerConfig {
  return parse(readFileSync(join(ALERTMANAGER_DIR, "alertmanager.yml"), "utf8")) as AlertmanagerConfig;
}

/** Copies the committed config and templates into a temp dir, pointing every secret file path at secrets/ there. */
export function stageConfig(options: StageOptions = {}): StagedConfig {
  const dir = mkdtempSync(join(tmpdir(), "alertmanager-"));
  const secretsDir = join(dir, "secrets");
  mkdirSync(secretsDir);
  for (const [name, value] of Object.entries(options.secrets ?? {})) writeFileSync(join(secretsDir, name), value, { mode: 0o600 });
  cpSync(join(ALERTMANAGER_DIR, "templates"), join(dir, "templates"), { recursive: true });
  const text = readFileSync(join(ALERTMANAGER_DIR, "alertmanager.yml"), "utf8").replaceAll(SECRETS_MOUNT, `${secretsDir}/`);
  const config = parse(text) as AlertmanagerConfig;
  options.edit?.(config);
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, stringify(config));
  return { dir, configFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real Alertmanager on a free port with a staged config, clustering off, and waits until it is ready. */
export async function startAlertmanager(staged: StagedConfig): Promise<AlertmanagerServer> {
  const binary = requireBinary("prometheus-alertmanager", DEBIAN_PACKAGE);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, [
    `--config.file=${staged.configFile}`,
    `--storage.path=${join(staged.dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=debug",
  ]);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const server: AlertmanagerServer = { url, log: () => output, stop: () => stopProcess(child).finally(() => staged.remove()) };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}:\n${log()}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`alertmanager did not become ready within 15 s:\n${log()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** POSTs alerts to /api/v2/alerts. */
export async function postAlerts(server: AlertmanagerServer, alerts: readonly ApiAlert[]): Promise<void> {
  const response = await fetch(`${server.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`);
}

/** GETs every alert Alertmanager holds, with its state. */
export async function getAlerts(server: AlertmanagerServer): Promise<ApiAlert[]> {
  return (await fetch(`${server.url}/api/v2/alerts`).then((r) => r.json())) as ApiAlert[];
}

/** GETs the alert groups, one per receiver and group_by label set. */
export async function getGroups(server: AlertmanagerServer): Promise<ApiAlertGroup[]> {
  return (await fetch(`${server.url}/api/v2/alerts/groups`).then((r) => r.json())) as ApiAlertGroup[];
}

/** Sets group_wait and group_interval on the root route and on every sub-route that sets its own, for a test's time scale. */
export function shortenRouteTimers(route: AlertmanagerConfig, groupWait: string, groupInterval: string): void {
  const visit = (r: AlertmanagerConfig, root: boolean): void => {
    for (const [key, value] of [["group_wait", groupWait], ["group_interval", groupInterval]] as const) if (root || key in r) r[key] = value;
    for (const child of (r["routes"] ?? []) as AlertmanagerConfig[]) visit(child, false);
  };
  visit(route, true);
}

/** A request a local receiver endpoint got. */
export interface Delivery {
  /** Request path, e.g. /slack. */
  readonly path: string;
  /** Authorization header, if any. */
  readonly authorization: string | undefined;
  /** Parsed JSON body. */
  readonly body: any;
}

/** A local HTTP server standing in for every receiver: it records each JSON POST and answers 202. */
export interface ReceiverEndpoints {
  /** Base URL, e.g. http://127.0.0.1:41234; receivers post to paths under it. */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly deliveries: readonly Delivery[];
  /** Closes the server. */
  close(): Promise<void>;
}

/** Starts the receiver stand-in on a free loopback port. */
export function startReceiverEndpoints(): Promise<ReceiverEndpoints> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      deliveries.push({ path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"success"}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        deliveries,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

/** Polls `probe` every 200 ms until it returns a value; throws naming `what` and the last `detail` on timeout. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, detail: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
