import { type Check, fail, firstLine, ok, warn } from "../lib/check.js";
import type { Host } from "../lib/host.js";

/** Oldest k6 with the stable `k6/websockets` module; .ts scripts run natively since 0.57. */
export const K6_MIN_VERSION = [1, 6, 0] as const;

/** How to install k6 on Debian/Ubuntu (the k6 docs' apt repository) or from the release tarball; the script never downloads it. */
export const K6_INSTALL_HINT = [
  `install k6 >= ${K6_MIN_VERSION.join(".")}, e.g. from the k6 apt repository:`,
  "  sudo gpg --no-default-keyring --keyring /usr/share/keyrings/k6-archive-keyring.gpg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys C5AD17C747E3415A3642D57D77C6C491D6AC1D69",
  '  echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" | sudo tee /etc/apt/sources.list.d/k6.list',
  "  sudo apt-get update && sudo apt-get install k6",
  "or unpack k6-v<version>-linux-amd64.tar.gz from https://github.com/grafana/k6/releases and put its k6 binary on PATH",
].join("\n");

const PORT_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";
const TW_REUSE_FILE = "/proc/sys/net/ipv4/tcp_tw_reuse";
/** Widest ephemeral range Linux allows above the well-known ports. */
const WIDEST_PORT_RANGE = "1024 65535";

/** Descriptors (and source ports) a generator needs: one per socket, 10 % spare, and 1024 for HTTP, logs and k6 itself. */
export function socketsNeeded(connections: number): number {
  return Math.ceil(connections * 1.1) + 1024;
}

/** k6 is on PATH and new enough. */
export async function checkK6(host: Host): Promise<Check> {
  const result = await host.run("k6", ["version"]);
  if (result.code !== 0) return fail("k6", result.code === 127 ? "k6 is not installed" : `k6 version failed: ${firstLine(result.stderr || result.stdout)}`, K6_INSTALL_HINT);
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(result.stdout);
  if (!match) return warn("k6", `cannot read the k6 version from '${firstLine(result.stdout)}'`, `make sure it is k6 >= ${K6_MIN_VERSION.join(".")}`);
  const version = [Number(match[1]), Number(match[2]), Number(match[3])];
  const older = version.findIndex((part, i) => part !== K6_MIN_VERSION[i]);
  if (older >= 0 && version[older]! < K6_MIN_VERSION[older]!) {
    return fail("k6", `k6 ${match[0]} is older than ${K6_MIN_VERSION.join(".")} (no stable k6/websockets module)`, K6_INSTALL_HINT);
  }
  return ok("k6", `k6 ${match[0]}`);
}

/** The soft open-files limit k6 inherits covers every socket. */
export async function checkOpenFiles(host: Host, connections: number): Promise<Check> {
  const need = socketsNeeded(connections);
  const [soft, hard] = await Promise.all([host.run("sh", ["-c", "ulimit -n"]), host.run("sh", ["-c", "ulimit -Hn"])]);
  const limit = (text: string): number => (text.trim() === "unlimited" ? Number.POSITIVE_INFINITY : Number(text.trim()));
  const softLimit = limit(soft.stdout);
  if (soft.code !== 0 || Number.isNaN(softLimit)) return warn("open-files", "cannot read ulimit -n", `make sure ulimit -n is at least ${need}`);
  if (softLimit >= need) return ok("open-files", `ulimit -n ${soft.stdout.trim()} covers ${need} descriptors`);
  const hardLimit = limit(hard.stdout);
  const fix =
    hardLimit >= need
      ? `run 'ulimit -n ${need}' in this shell, then run the load test again`
      : `add '* soft nofile ${need}' and '* hard nofile ${need}' to /etc/security/limits.conf (or LimitNOFILE=${need} in the systemd unit), log in again, then run 'ulimit -n ${need}'`;
  return fail("open-files", `ulimit -n is ${softLimit}; ${connections} connections need ${need} descriptors ("socket: too many open files" otherwise)`, fix);
}

/** The ephemeral port range gives one source port per socket towards the gateway's single address. */
export function checkPortRange(host: Host, connections: number): Check {
  const need = socketsNeeded(connections);
  const text = host.readFile(PORT_RANGE_FILE);
  const match = text === undefined ? null : /^\s*(\d+)\s+(\d+)/.exec(text);
  if (!match) return warn("port-range", `cannot read ${PORT_RANGE_FILE}`, `make sure the generator has ${need} ephemeral ports towards one address`);
  const ports = Number(match[2]) - Number(match[1]) + 1;
  if (ports >= need) return ok("port-range", `ephemeral ports ${match[1]}-${match[2]} (${ports}) cover ${need}`);
  if (need > 64512) {
    return fail("port-range", `${connections} connections need ${need} source ports; one address has at most 64512`, "spread the run over several generators (k6-operator TestRun, see runbooks/load-testing.md)");
  }
  return fail(
    "port-range",
    `ephemeral ports ${match[1]}-${match[2]} (${ports}) are fewer than the ${need} the run needs ("cannot assign requested address" otherwise)`,
    `sudo sysctl -w net.ipv4.ip_local_port_range="${WIDEST_PORT_RANGE}" and persist it: echo 'net.ipv4.ip_local_port_range = ${WIDEST_PORT_RANGE}' | sudo tee /etc/sysctl.d/99-loadtest.conf`,
  );
}

/** TIME_WAIT reuse lets a rerun reconnect without waiting for the previous run's ports. */
export function checkTimeWaitReuse(host: Host): Check {
  const value = host.readFile(TW_REUSE_FILE)?.trim();
  if (value === "1") return ok("tcp-tw-reuse", "net.ipv4.tcp_tw_reuse = 1");
  return warn(
    "tcp-tw-reuse",
    `net.ipv4.tcp_tw_reuse = ${value ?? "unknown"}; back-to-back runs may run out of ports while old ones sit in TIME_WAIT`,
    "sudo sysctl -w net.ipv4.tcp_tw_reuse=1 (persist in /etc/sysctl.d/99-loadtest.conf)",
  );
}
