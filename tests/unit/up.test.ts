import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../scripts/lib/cli-args.js";
import type { CommandResult } from "../../scripts/lib/command-runner.js";
import { type Host, systemHost } from "../../scripts/lib/host.js";
import { PassphraseError, ensurePassphrase } from "../../scripts/lib/passphrase.js";
import { planNotices, pulumiCommands, pulumiEnv } from "../../scripts/lib/pulumi-commands.js";
import { parseUpArgs, runUp } from "../../scripts/lib/up-cli.js";

const SECRET = "correct-horse-battery-staple";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "up-"));
  dirs.push(dir);
  return dir;
}

/** A checkout on which every dev and staging check passes. */
function checkout(): string {
  const dir = tempDir();
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ dependencies: { yaml: "2.9.1" } }),
    "node_modules/yaml/package.json": JSON.stringify({ version: "2.9.1" }),
    "Pulumi.yaml": "name: supabase\nmain: stacks/index.ts\nstackConfigDir: stacks\n",
    "stacks/index.ts": "export {};\n",
    "stacks/Pulumi.dev.yaml": "config:\n  supabase:platform: docker\n",
    "stacks/Pulumi.staging.yaml":
      "config:\n  supabase:platform: kubernetes\n  supabase:publicUrl: https://api.example.com\n  supabase:ingress:\n    tlsIssuer: letsencrypt\n  supabase:backup:\n    enabled: false\n",
    "home/.kube/config": "current-context: c\ncontexts:\n  - name: c\n    context: { cluster: k, user: u }\nclusters:\n  - name: k\nusers:\n  - name: u\n",
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const HEALTHY: Record<string, CommandResult> = {
  "node --version": { code: 0, stdout: "v24.1.0", stderr: "" },
  "pulumi version": { code: 0, stdout: "v3.270.0", stderr: "" },
  "docker --version": { code: 0, stdout: "Docker version 28.2.2", stderr: "" },
  "docker version --format {{.Server.Version}}": { code: 0, stdout: "28.2.2", stderr: "" },
  "kubectl version --client": { code: 0, stdout: "Client Version: v1.32.4", stderr: "" },
};

/** Runs up against a checkout with fake commands; Pulumi's runs are recorded and answer with `codes` in turn. */
async function up(argv: string[], dir: string, env: Record<string, string> = {}, codes: number[] = []) {
  const runs: { cmd: string; args: readonly string[]; env: Record<string, string> }[] = [];
  const out: string[] = [];
  const host: Host = {
    ...systemHost(dir),
    homeDir: join(dir, "home"),
    env: { PATH: "/usr/bin", ...env },
    run: async (cmd, args) => HEALTHY[[cmd, ...args].join(" ")] ?? { code: 127, stdout: "", stderr: "not found" },
  };
  const code = await runUp(argv, {
    host,
    io: { out: (t) => out.push(t), err: (t) => out.push(t), color: false },
    stream: async (cmd, args, childEnv) => {
      runs.push({ cmd, args, env: childEnv });
      return codes[runs.length - 1] ?? 0;
    },
  });
  return { code, runs, output: out.join("\n") };
}

describe("up command line", () => {
  it("defaults to an interactive update of dev", () => {
    expect(parseUpArgs([])).toEqual({ stack: "dev", preview: false, yes: false, dryRun: false, help: false });
    expect(parseUpArgs(["--stack=prod", "--preview"])).toMatchObject({ stack: "prod", preview: true });
  });

  it.each([
    [["--force"], "unknown flag --force; allowed flags: --preview, --yes, --dry-run, --help, --stack"],
    [["--stack", "qa"], "--stack: got 'qa'; expected one of dev, staging, prod"],
    [["--stack"], "--stack needs a value: one of dev, staging, prod"],
    [["--yes=1"], "--yes takes no value (got '1')"],
    [["prod"], "unexpected argument 'prod'"],
    [["--preview", "--yes"], "--yes applies to an update"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseUpArgs(argv)).toThrow(UsageError);
    expect(() => parseUpArgs(argv)).toThrow(message);
  });

  it("exits 2 on a bad flag before checking or running anything", async () => {
    const result = await up(["--stack", "production"], checkout());
    expect(result.code).toBe(2);
    expect(result.output).toContain("--stack: got 'production'; expected one of dev, staging, prod");
    expect(result.runs).toEqual([]);
  });
});

describe("passphrase", () => {
  it("generates the dev passphrase file once, mode 0600, and reuses it", () => {
    const stateDir = join(tempDir(), ".state");
    const first = ensurePassphrase("dev", {}, stateDir);
    const path = join(stateDir, "dev.passphrase");
    expect(first).toEqual({ source: { kind: "dev-file", path, exists: true }, generated: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const content = readFileSync(path, "utf8");
    expect(content).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = ensurePassphrase("dev", {}, stateDir);
    expect(second.generated).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(content);
  });

  it("prefers the variables, and treats an empty one as unset", () => {
    const stateDir = join(tempDir(), ".state");
    expect(ensurePassphrase("dev", { PULUMI_CONFIG_PASSPHRASE: SECRET }, stateDir).source).toEqual({ kind: "variable" });
    expect(ensurePassphrase("prod", { PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/prod" }, stateDir).source).toEqual({
      kind: "file",
      path: "/run/secrets/prod",
    });
    expect(existsSync(stateDir)).toBe(false);
  });

  it("refuses staging and prod without a passphrase, naming both variables", () => {
    const stateDir = join(tempDir(), ".state");
    for (const stack of ["staging", "prod"] as const) {
      expect(() => ensurePassphrase(stack, {}, stateDir)).toThrow(PassphraseError);
      expect(() => ensurePassphrase(stack, { PULUMI_CONFIG_PASSPHRASE: "" }, stateDir)).toThrow(/PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
    }
    expect(existsSync(stateDir)).toBe(false);
  });
});

describe("pulumi command lines", () => {
  const select = (stack: string) => ["stack", "select", "--create", "--stack", stack, "--secrets-provider", "passphrase"];

  it("selects or creates the stack, then updates or previews it", () => {
    expect(pulumiCommands({ stack: "dev", action: "up", yes: false })).toEqual([select("dev"), ["up", "--stack", "dev"]]);
    expect(pulumiCommands({ stack: "prod", action: "preview", yes: false })).toEqual([select("prod"), ["preview", "--stack", "prod"]]);
  });

  it("skips preview and prompt with --yes only on dev; staging and prod keep the preview and say so loudly", () => {
    expect(pulumiCommands({ stack: "dev", action: "up", yes: true })[1]).toEqual(["up", "--stack", "dev", "--yes", "--skip-preview"]);
    expect(pulumiCommands({ stack: "staging", action: "up", yes: true })[1]).toEqual(["up", "--stack", "staging", "--yes"]);
    expect(planNotices({ stack: "dev", action: "up", yes: true })).toEqual([]);
    expect(planNotices({ stack: "prod", action: "up", yes: true }).join("\n")).toMatch(/--yes on prod.*WITHOUT asking/);
  });

  it("passes the backend and passphrase through the environment only", () => {
    const env = pulumiEnv({ HOME: "/home/op", PULUMI_CONFIG_PASSPHRASE: "" }, "file:///repo/.state", { kind: "dev-file", path: "/repo/.state/dev.passphrase", exists: true });
    expect(env).toEqual({ HOME: "/home/op", PULUMI_BACKEND_URL: "file:///repo/.state", PULUMI_CONFIG_PASSPHRASE_FILE: "/repo/.state/dev.passphrase" });
    expect(pulumiEnv({ PULUMI_CONFIG_PASSPHRASE: SECRET }, "s3://state", { kind: "variable" })["PULUMI_CONFIG_PASSPHRASE"]).toBe(SECRET);
  });
});

describe("up runs", () => {
  it("deploys dev with a generated passphrase that never reaches argv or the output", async () => {
    const dir = checkout();
    const result = await up([], dir);
    expect(result.code).toBe(0);
    expect(result.runs.map((r) => [r.cmd, ...r.args])).toEqual([
      ["pulumi", "stack", "select", "--create", "--stack", "dev", "--secrets-provider", "passphrase"],
      ["pulumi", "up", "--stack", "dev"],
    ]);
    const passphraseFile = join(dir, ".state", "dev.passphrase");
    const passphrase = readFileSync(passphraseFile, "utf8");
    for (const run of result.runs) {
      expect(run.env["PULUMI_BACKEND_URL"]).toBe(`file://${join(dir, ".state")}`);
      expect(run.env["PULUMI_CONFIG_PASSPHRASE_FILE"]).toBe(passphraseFile);
      expect(run.args.join(" ")).not.toContain(passphrase);
    }
    expect(result.output).toContain(`generated a new one in ${passphraseFile} (mode 0600)`);
    expect(result.output).not.toContain(passphrase);
    expect(existsSync(join(dir, ".state", "up-dev.lock"))).toBe(false);
  });

  it("keeps a staging passphrase from the environment out of argv and output, and returns Pulumi's exit code", async () => {
    const dir = checkout();
    const result = await up(["--stack", "staging", "--yes"], dir, { PULUMI_CONFIG_PASSPHRASE: SECRET }, [0, 255]);
    expect(result.code).toBe(255);
    expect(result.runs.map((r) => r.args.join(" "))).toEqual(["stack select --create --stack staging --secrets-provider passphrase", "up --stack staging --yes"]);
    expect(result.runs.every((r) => r.env["PULUMI_CONFIG_PASSPHRASE"] === SECRET)).toBe(true);
    expect(JSON.stringify(result.runs.map((r) => r.args))).not.toContain(SECRET);
    expect(result.output).not.toContain(SECRET);
    expect(result.output).toContain("!!! --yes on staging");
    expect(existsSync(join(dir, ".state", "dev.passphrase"))).toBe(false);
  });

  it("stops after a failed stack select", async () => {
    const result = await up(["--preview"], checkout(), {}, [1]);
    expect(result.code).toBe(1);
    expect(result.runs).toHaveLength(1);
  });

  it("refuses staging without a passphrase before running Pulumi", async () => {
    const result = await up(["--stack", "staging"], checkout());
    expect(result.code).toBe(1);
    expect(result.runs).toEqual([]);
    expect(result.output).toContain("neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set");
  });

  it("stops on a failed check with its fix", async () => {
    const dir = checkout();
    writeFileSync(join(dir, "stacks/Pulumi.dev.yaml"), "config:\n  supabase:platform: docker\n  supabase:gatewayPort: 0\n");
    const result = await up([], dir);
    expect(result.code).toBe(1);
    expect(result.runs).toEqual([]);
    expect(result.output).toContain("supabase:gatewayPort: got 0");
  });

  it("prints the plan on --dry-run without writing or running anything", async () => {
    const dir = checkout();
    const result = await up(["--dry-run"], dir);
    expect(result.code).toBe(0);
    expect(result.runs).toEqual([]);
    expect(result.output).toContain(`dry run: passphrase would be generated in ${join(dir, ".state", "dev.passphrase")} (mode 0600)`);
    expect(result.output).toContain("pulumi stack select --create --stack dev --secrets-provider passphrase\n  pulumi up --stack dev");
    expect(existsSync(join(dir, ".state"))).toBe(false);
  });

  it("refuses to run while another live run holds the stack's lock", async () => {
    const dir = checkout();
    mkdirSync(join(dir, ".state"));
    writeFileSync(join(dir, ".state", "up-dev.lock"), String(process.pid));
    const result = await up([], dir);
    expect(result.code).toBe(1);
    expect(result.runs).toEqual([]);
    expect(result.output).toContain(`(pid ${process.pid}); wait for it to finish`);
  });
});
