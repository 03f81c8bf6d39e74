import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { parseLoadtestArgs } from "../../scripts/loadtest/args.js";
import { runLoadtest } from "../../scripts/loadtest/cli.js";
import type { CommandResult } from "../../scripts/lib/command-runner.js";
import type { Host } from "../../scripts/lib/host.js";

const SECRETS = { SUPABASE_ANON_KEY: "anon-key-must-not-leak", SUPABASE_SERVICE_ROLE_KEY: "service-key-must-not-leak", JWT_SECRET: "jwt-secret-must-not-leak" };
const HEALTHY: Record<string, CommandResult> = {
  "k6 version": { code: 0, stdout: "k6 v1.6.0 (commit/abc, go1.24.4, linux/amd64)\n", stderr: "" },
  "sh -c ulimit -n": { code: 0, stdout: "65536\n", stderr: "" },
  "sh -c ulimit -Hn": { code: 0, stdout: "1048576\n", stderr: "" },
};
const PROC: Record<string, string> = {
  "/proc/sys/net/ipv4/ip_local_port_range": "1024\t65535\n",
  "/proc/sys/net/ipv4/tcp_tw_reuse": "1\n",
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout with the repository's Pulumi.yaml and stack files, plus overrides. */
function checkout(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "loadtest-"));
  dirs.push(dir);
  mkdirSync(join(dir, "stacks"));
  copyFileSync(join(REPO_ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  for (const stack of ["dev", "staging", "prod"]) copyFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), join(dir, "stacks", `Pulumi.${stack}.yaml`));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

interface Options {
  readonly responses?: Record<string, CommandResult>;
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly exitCode?: number;
}

async function loadtest(argv: string[], options: Options = {}, dir = checkout()) {
  const responses = { ...HEALTHY, ...options.responses };
  const files = { ...PROC, ...options.files };
  const calls: string[] = [];
  const streamed: { cmd: string; args: readonly string[]; env: Record<string, string> }[] = [];
  const host: Host = {
    run: async (cmd, args) => {
      const line = [cmd, ...args].join(" ");
      calls.push(line);
      return responses[line] ?? { code: 127, stdout: "", stderr: `${cmd}: not found` };
    },
    env: { PATH: "/usr/bin", ...options.env },
    readFile: (path) => files[path],
    fileMode: () => undefined,
    repoDir: dir,
    homeDir: dir,
  };
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLoadtest(argv, {
    host,
    io: { out: (t) => out.push(t), err: (t) => err.push(t), color: false },
    stream: async (cmd, args, env) => {
      streamed.push({ cmd, args, env });
      return options.exitCode ?? 0;
    },
    now: () => new Date("2026-11-23T10:20:30Z"),
  });
  return { code, out: out.join("\n"), err: err.join("\n"), calls, streamed, dir };
}

describe("loadtest flags", () => {
  it.each([
    [["--scenario", "bogus", "--stack", "dev"], "--scenario: got 'bogus'; expected one of smoke, average, stress, soak, spike"],
    [["--scenario", "smoke", "--stack", "qa"], "--stack: got 'qa'; expected one of dev, staging, prod"],
    [["--scenario", "smoke", "--stack", "dev", "--target", "10k"], "--target: got '10k'; expected a whole number of connections >= 1"],
    [["--scenario", "smoke", "--stack", "dev", "--suite", "ws"], "--suite: got 'ws'; expected one of all, realtime, rest, auth"],
    [["--scenario", "smoke", "--stack", "dev", "--vus", "5"], "unknown flag --vus; allowed flags:"],
    [["--scenario", "smoke"], "--stack is required: one of dev, staging, prod"],
    [["--scenario", "smoke", "--stack", "dev", "--dry-run=yes"], "--dry-run takes no value (got 'yes')"],
  ])("%j → exit 2 naming flag, value and what is allowed", async (argv, message) => {
    const result = await loadtest(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain("usage: npm run loadtest");
  });

  it("parses the full form", () => {
    expect(parseLoadtestArgs(["--scenario=soak", "--stack", "prod", "--target", "12000", "--suite", "realtime", "--from-stack", "--dry-run"])).toEqual({
      scenario: "soak",
      stack: "prod",
      target: 12_000,
      suite: "realtime",
      fromStack: true,
      dryRun: true,
      help: false,
    });
  });
});

describe("loadtest against the stack's limits", () => {
  it("refuses a target above realtime.maxConcurrentUsers with the limit and where it is set", async () => {
    const result = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "15000"], { env: SECRETS });
    expect(result.code).toBe(2);
    expect(result.err).toContain("15000 connections (--target, default 10000): the staging stack allows at most 12000 concurrent Realtime users (supabase:realtime.maxConcurrentUsers in stacks/Pulumi.staging.yaml)");
    expect(result.streamed).toEqual([]);
  });

  it("refuses a run whose broadcasts would exceed realtime.maxEventsPerSecond", async () => {
    const dir = checkout({ "stacks/Pulumi.prod.yaml": "config:\n  supabase:platform: kubernetes\n  supabase:publicUrl: https://api.example.com\n  supabase:ingress:\n    tlsIssuer: letsencrypt\n  supabase:backup:\n    enabled: false\n  supabase:realtime:\n    maxConcurrentUsers: 12000\n    maxEventsPerSecond: 5000\n" });
    const result = await loadtest(["--scenario", "average", "--stack", "prod", "--target", "10000"], { env: SECRETS }, dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain("about 10000 Realtime events/s at peak but the prod stack allows 5000 (supabase:realtime.maxEventsPerSecond)");
  });

  it("runs a dev smoke within dev's 200 users and 100 events/s, joining at 80 % of 100 joins/s", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev"], { env: SECRETS });
    expect(result.code).toBe(0);
    expect(result.streamed[0]?.env).toMatchObject({ SCENARIO: "smoke", JOIN_RATE: "80", SUPABASE_URL: "http://localhost:8000" });
  });
});

describe("loadtest runs k6", () => {
  it("passes secrets only through the environment and returns k6's exit code", async () => {
    const result = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "10000"], { env: SECRETS, exitCode: 99 });
    expect(result.code).toBe(99);
    const run = result.streamed[0]!;
    expect(run.cmd).toBe("k6");
    expect(run.args).toEqual(["run", "--tag", "testid=staging-20261123102030", "--tag", "stack=staging", join(result.dir, "tests", "load", "all.ts")]);
    expect(run.args.join(" ")).not.toMatch(/must-not-leak/);
    expect(run.env).toMatchObject({ ...SECRETS, SCENARIO: "average", TARGET_CONNECTIONS: "10000", JOIN_RATE: "80", STACK: "staging", RUN_ID: "staging-20261123102030" });
    expect(run.env["SUMMARY_DIR"]).toBe(join(result.dir, "tmp", "loadtest", "staging-20261123102030"));
    expect(existsSync(run.env["SUMMARY_DIR"]!)).toBe(true);
    expect(result.out).toContain("report: tmp/loadtest/staging-20261123102030/all-average.txt (a gate failed: k6 exit 99)");
    expect(`${result.out}\n${result.err}`).not.toMatch(/must-not-leak/);
  });

  it("adds the Prometheus remote-write output when K6_PROMETHEUS_RW_SERVER_URL is set", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev"], { env: { ...SECRETS, K6_PROMETHEUS_RW_SERVER_URL: "http://prometheus:9090/api/v1/write" } });
    expect(result.streamed[0]?.args).toContain("experimental-prometheus-rw");
  });

  it("reads secrets from <NAME>_FILE", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev"], {
      env: { SUPABASE_ANON_KEY_FILE: "/run/secrets/anon", SUPABASE_SERVICE_ROLE_KEY: "s", JWT_SECRET_FILE: "/run/secrets/jwt" },
      files: { "/run/secrets/anon": "anon-from-file\n", "/run/secrets/jwt": "jwt-from-file" },
    });
    expect(result.streamed[0]?.env).toMatchObject({ SUPABASE_ANON_KEY: "anon-from-file", JWT_SECRET: "jwt-from-file" });
  });

  it("with --from-stack reads the URL and keys from pulumi stack output, never printing them", async () => {
    const outputs = JSON.stringify({ apiUrl: "https://api.staging.example.com", anonKey: "stack-anon-must-not-leak", serviceRoleKey: "stack-service-must-not-leak", platform: "kubernetes" });
    const result = await loadtest(["--scenario", "smoke", "--stack", "staging", "--from-stack"], {
      env: { JWT_SECRET: "j" },
      responses: { "pulumi stack output --json --show-secrets -s staging": { code: 0, stdout: outputs, stderr: "" } },
    });
    expect(result.code).toBe(0);
    expect(result.streamed[0]?.env).toMatchObject({ SUPABASE_URL: "https://api.staging.example.com", SUPABASE_ANON_KEY: "stack-anon-must-not-leak" });
    expect(`${result.out}\n${result.err}`).not.toMatch(/must-not-leak/);
  });

  it("does not ask pulumi for outputs unless --from-stack is given", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev", "--dry-run"], { env: SECRETS });
    expect(result.calls.filter((c) => c.startsWith("pulumi"))).toEqual([]);
  });
});

describe("loadtest checks the generator first", () => {
  it("dry-run prints the plan, the k6 command and env names without values, and starts nothing", async () => {
    const result = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "10000", "--dry-run"], { env: SECRETS });
    expect(result.code).toBe(0);
    expect(result.streamed).toEqual([]);
    expect(result.out).toContain("average: peak 10000 connections in 100 room(s) of <= 100, joins <= 80/s");
    expect(result.out).toContain(`k6 run --tag testid=staging-20261123102030 --tag stack=staging ${join(result.dir, "tests", "load", "all.ts")}`);
    expect(result.out).toContain("env set by the runner: JOIN_RATE, JWT_SECRET, RUN_ID, SCENARIO, STACK, SUMMARY_DIR, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_URL, TARGET_CONNECTIONS");
    expect(result.out).not.toMatch(/must-not-leak/);
  });

  it("without k6 fails with the apt repository steps and the release tarball", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev"], { env: SECRETS, responses: { "k6 version": { code: 127, stdout: "", stderr: "not found" } } });
    expect(result.code).toBe(1);
    expect(result.out).toContain("✖ k6");
    expect(result.out).toContain('echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main"');
    expect(result.out).toContain("https://github.com/grafana/k6/releases");
    expect(result.streamed).toEqual([]);
  });

  it("refuses k6 older than 1.6 (no stable k6/websockets)", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev", "--dry-run"], { env: SECRETS, responses: { "k6 version": { code: 0, stdout: "k6 v0.57.0 (go1.23)", stderr: "" } } });
    expect(result.code).toBe(1);
    expect(result.out).toContain("k6 v0.57.0 is older than 1.6.0");
  });

  it("prints the exact ulimit fix, raising the soft limit when the hard one allows it", async () => {
    const soft = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "10000", "--dry-run"], { env: SECRETS, responses: { "sh -c ulimit -n": { code: 0, stdout: "1024\n", stderr: "" } } });
    expect(soft.code).toBe(1);
    expect(soft.out).toContain("ulimit -n is 1024; 10000 connections need 12024 descriptors");
    expect(soft.out).toContain("fix: run 'ulimit -n 12024' in this shell");
    const hard = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "10000", "--dry-run"], {
      env: SECRETS,
      responses: { "sh -c ulimit -n": { code: 0, stdout: "1024\n", stderr: "" }, "sh -c ulimit -Hn": { code: 0, stdout: "4096\n", stderr: "" } },
    });
    expect(hard.out).toContain("'* soft nofile 12024' and '* hard nofile 12024' to /etc/security/limits.conf");
  });

  it("prints the sysctl fix when the ephemeral port range is too narrow", async () => {
    const result = await loadtest(["--scenario", "average", "--stack", "staging", "--target", "10000", "--dry-run"], {
      env: SECRETS,
      files: { "/proc/sys/net/ipv4/ip_local_port_range": "60000\t61000\n" },
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain("ephemeral ports 60000-61000 (1001) are fewer than the 12024 the run needs");
    expect(result.out).toContain('sudo sysctl -w net.ipv4.ip_local_port_range="1024 65535"');
  });

  it("names missing secrets without running k6", async () => {
    const result = await loadtest(["--scenario", "smoke", "--stack", "dev"], { env: { SUPABASE_ANON_KEY: "a" } });
    expect(result.code).toBe(1);
    expect(result.out).toContain("SUPABASE_SERVICE_ROLE_KEY: not set");
    expect(result.out).toContain("JWT_SECRET: not set");
    expect(result.streamed).toEqual([]);
  });
});
