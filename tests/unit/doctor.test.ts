import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Check } from "../../scripts/lib/check.js";
import type { CommandResult } from "../../scripts/lib/command-runner.js";
import { runDoctor } from "../../scripts/lib/doctor-cli.js";
import { type Host, systemHost } from "../../scripts/lib/host.js";

const STACK_FILES: Record<string, string> = {
  "stacks/Pulumi.dev.yaml": "config:\n  supabase:platform: docker\n  supabase:gatewayPort: 8000\n  supabase:auth:\n    mailerAutoconfirm: true\n",
  "stacks/Pulumi.staging.yaml": [
    "config:",
    "  supabase:platform: kubernetes",
    "  supabase:publicUrl: https://api.staging.example.com",
    "  supabase:kubeContext: staging",
    "  supabase:ingress:",
    "    tlsIssuer: letsencrypt",
    "  supabase:backup:",
    "    enabled: false",
    "",
  ].join("\n"),
};

const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: local",
  "contexts:",
  "  - name: staging",
  "    context: { cluster: staging-cluster, user: staging-admin }",
  "  - name: local",
  "    context: { cluster: local-cluster, user: local-admin }",
  "clusters:",
  "  - name: staging-cluster",
  "    cluster: { server: https://10.0.0.1:6443 }",
  "  - name: local-cluster",
  "    cluster: { server: https://127.0.0.1:6443 }",
  "users:",
  "  - name: staging-admin",
  "    user: { token: kube-token-must-not-leak }",
  "  - name: local-admin",
  "    user: { token: kube-token-must-not-leak }",
  "",
].join("\n");

const HEALTHY: Record<string, CommandResult> = {
  "node --version": { code: 0, stdout: "v24.1.0\n", stderr: "" },
  "pulumi version": { code: 0, stdout: "v3.270.0\n", stderr: "" },
  "docker --version": { code: 0, stdout: "Docker version 28.2.2, build e6534b4\n", stderr: "" },
  "docker version --format {{.Server.Version}}": { code: 0, stdout: "28.2.2\n", stderr: "" },
  "kubectl version --client": { code: 0, stdout: "Client Version: v1.32.4\n", stderr: "" },
};
const NOT_FOUND: CommandResult = { code: 127, stdout: "", stderr: "command not found" };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary checkout: manifest, installed packages, Pulumi.yaml, program, stack files and a kubeconfig in a fake home. */
function checkout(files: Record<string, string | undefined> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "doctor-"));
  dirs.push(dir);
  const all: Record<string, string | undefined> = {
    "package.json": JSON.stringify({ dependencies: { yaml: "2.9.1", zod: "4.6.7" } }),
    "node_modules/yaml/package.json": JSON.stringify({ version: "2.9.1" }),
    "node_modules/zod/package.json": JSON.stringify({ version: "4.6.7" }),
    "Pulumi.yaml": "name: supabase\nruntime: nodejs\nmain: stacks/index.ts\nstackConfigDir: stacks\n",
    "stacks/index.ts": "export {};\n",
    "home/.kube/config": KUBECONFIG,
    ...STACK_FILES,
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    if (content === undefined) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A host over a checkout whose commands answer from a table (anything else is "not found"). */
function machine(dir: string, options: { responses?: Record<string, CommandResult>; env?: Record<string, string> } = {}) {
  const responses = { ...HEALTHY, ...options.responses };
  const calls: string[] = [];
  const host: Host = {
    ...systemHost(dir),
    homeDir: join(dir, "home"),
    env: { PATH: "/usr/bin", ...options.env },
    run: async (cmd, args) => {
      const line = [cmd, ...args].join(" ");
      calls.push(line);
      return responses[line] ?? NOT_FOUND;
    },
  };
  return { host, calls };
}

async function doctor(argv: string[], host: Host) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDoctor(argv, host, { out: (t) => out.push(t), err: (t) => err.push(t), color: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function checks(argv: string[], host: Host): Promise<{ code: number; checks: Check[]; byId: (id: string) => Check }> {
  const result = await doctor([...argv, "--json"], host);
  const list = JSON.parse(result.out) as Check[];
  return {
    code: result.code,
    checks: list,
    byId: (id) => {
      const found = list.find((c) => c.id === id);
      if (!found) throw new Error(`no check ${id} in ${list.map((c) => c.id).join(", ")}`);
      return found;
    },
  };
}

describe("doctor on a healthy machine", () => {
  it("passes every dev check and exits 0", async () => {
    const { host } = machine(checkout());
    const result = await doctor([], host);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^✔ pulumi-cli +Pulumi CLI v3\.270\.0$/m);
    expect(result.out).toMatch(/^✔ docker-engine +engine 28\.2\.2 at /m);
    expect(result.out).toContain("passphrase     none set; npm run up generates .state/dev.passphrase (mode 0600)");
    expect(result.out).toMatch(/stack dev: 9 ok, 0 warnings, 0 failed; ready$/);
  });

  it("passes staging with a passphrase and the configured kube context, never printing secrets", async () => {
    const { host } = machine(checkout(), {
      env: { PULUMI_CONFIG_PASSPHRASE: "passphrase-must-not-leak", PULUMI_BACKEND_URL: "postgres://state:db-password-must-not-leak@db:5432/pulumi" },
    });
    const result = await doctor(["--stack", "staging"], host);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^✔ kube-context +context 'staging' \(supabase:kubeContext\) in ~\/\.kube\/config$/m);
    expect(result.out).toContain("postgres://state:***@db:5432/pulumi");
    expect(result.out).not.toMatch(/must-not-leak/);
  });
});

describe("doctor for a kubernetes stack with backups", () => {
  it("checks the Docker engine that builds and pushes the backup images, and fails without it", async () => {
    const staging = STACK_FILES["stacks/Pulumi.staging.yaml"]!.replace("  supabase:backup:\n    enabled: false\n", "");
    const refused = { code: 1, stdout: "\n", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n" };
    const env = { PULUMI_CONFIG_PASSPHRASE: "passphrase-must-not-leak" };
    const healthy = await doctor(["--stack", "staging"], machine(checkout({ "stacks/Pulumi.staging.yaml": staging }), { env }).host);
    expect(healthy.out).toMatch(/^✔ docker-engine +engine 28\.2\.2 at /m);
    const down = await checks(["--stack", "staging"], machine(checkout({ "stacks/Pulumi.staging.yaml": staging }), { env, responses: { "docker version --format {{.Server.Version}}": refused } }).host);
    expect(down.code).not.toBe(0);
    expect(down.byId("docker-engine").status).toBe("fail");
    const off = await checks(["--stack", "staging"], machine(checkout(), { env }).host);
    expect(off.checks.some((c) => c.id.startsWith("docker"))).toBe(false);
  });
});

describe("doctor failures", () => {
  it("fails without the Pulumi CLI and gives the install command", async () => {
    const { host } = machine(checkout(), { responses: { "pulumi version": NOT_FOUND } });
    const result = await checks([], host);
    expect(result.code).toBe(1);
    expect(result.byId("pulumi-cli")).toEqual({
      id: "pulumi-cli",
      status: "fail",
      detail: "Pulumi CLI not found on PATH",
      fix: expect.stringContaining("curl -fsSL https://get.pulumi.com | sh"),
    });
  });

  it("tells how to fix PATH when the CLI is installed in ~/.pulumi/bin but not on PATH", async () => {
    const { host } = machine(checkout({ "home/.pulumi/bin/pulumi": "#!/bin/sh\n" }), { responses: { "pulumi version": NOT_FOUND } });
    const pulumi = (await checks([], host)).byId("pulumi-cli");
    expect(pulumi.status).toBe("fail");
    expect(pulumi.fix).toContain('export PATH="$HOME/.pulumi/bin:$PATH"');
  });

  it("fails when the Docker engine is unreachable, with the client's reason", async () => {
    const refused = { code: 1, stdout: "\n", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n" };
    const { host } = machine(checkout(), { responses: { "docker version --format {{.Server.Version}}": refused } });
    const result = await checks([], host);
    expect(result.code).toBe(1);
    expect(result.byId("docker-client").status).toBe("ok");
    const engine = result.byId("docker-engine");
    expect(engine.status).toBe("fail");
    expect(engine.detail).toContain("Cannot connect to the Docker daemon");
    expect(engine.fix).toContain("systemctl start docker");
  });

  it("fails when there is no docker client at all", async () => {
    const { host } = machine(checkout(), { responses: { "docker --version": NOT_FOUND } });
    const result = await checks([], host);
    expect(result.byId("docker-client")).toMatchObject({ status: "fail", fix: expect.stringContaining("docs.docker.com/engine/install") });
    expect(result.checks.some((c) => c.id === "docker-engine")).toBe(false);
  });

  it("checks the engine named by supabase:dockerHost", async () => {
    const dev = `${STACK_FILES["stacks/Pulumi.dev.yaml"]}  supabase:dockerHost: ssh://deploy@docker.example.com\n`;
    const { host, calls } = machine(checkout({ "stacks/Pulumi.dev.yaml": dev }));
    const engine = (await checks([], host)).byId("docker-engine");
    expect(calls).toContain("docker --host ssh://deploy@docker.example.com version --format {{.Server.Version}}");
    expect(engine.status).toBe("fail");
    expect(engine.detail).toContain("ssh://deploy@docker.example.com (supabase:dockerHost)");
  });

  it("fails when the configured kube context is not in the kubeconfig, listing the ones that are", async () => {
    const staging = STACK_FILES["stacks/Pulumi.staging.yaml"]!.replace("kubeContext: staging", "kubeContext: prod-eu");
    const { host } = machine(checkout({ "stacks/Pulumi.staging.yaml": staging }), { env: { PULUMI_CONFIG_PASSPHRASE: "x" } });
    const result = await checks(["--stack", "staging"], host);
    expect(result.code).toBe(1);
    expect(result.byId("kube-context")).toMatchObject({
      status: "fail",
      detail: "context 'prod-eu' (supabase:kubeContext) is not in ~/.kube/config (contexts: staging, local)",
      fix: "pulumi config set supabase:kubeContext <context> --stack staging",
    });
  });

  it("fails without any kubeconfig, and only warns without kubectl", async () => {
    const { host } = machine(checkout({ "home/.kube/config": undefined }), {
      env: { PULUMI_CONFIG_PASSPHRASE: "x" },
      responses: { "kubectl version --client": NOT_FOUND },
    });
    const result = await checks(["--stack", "staging"], host);
    expect(result.byId("kube-context")).toMatchObject({ status: "fail", detail: "no kubeconfig: ~/.kube/config is missing or unreadable" });
    expect(result.byId("kubectl").status).toBe("warn");
  });

  it("reads the kubeconfig files listed in KUBECONFIG", async () => {
    const dir = checkout({ "home/.kube/config": undefined, "kube/a.yaml": "contexts: []\n", "kube/b.yaml": KUBECONFIG });
    const { host } = machine(dir, { env: { PULUMI_CONFIG_PASSPHRASE: "x", KUBECONFIG: `${join(dir, "kube/a.yaml")}:${join(dir, "kube/b.yaml")}` } });
    expect((await checks(["--stack", "staging"], host)).byId("kube-context")).toMatchObject({ status: "ok", detail: "context 'staging' (supabase:kubeContext) in KUBECONFIG" });
  });

  it("fails on an invalid stack file, listing every bad key", async () => {
    const dev = "config:\n  supabase:platform: podman\n  supabase:gatewayPort: 70000\n  supabase:gatewayPrt: 8000\n  supabase:smtpPassword: plain-text-password\n";
    const { host } = machine(checkout({ "stacks/Pulumi.dev.yaml": dev }));
    const result = await doctor([], host);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^✖ stack-config +stacks\/Pulumi\.dev\.yaml: 4 invalid settings$/m);
    expect(result.out).toContain("- supabase:platform: got \"podman\"");
    expect(result.out).toContain("- supabase:gatewayPort: got 70000");
    expect(result.out).toContain("unknown key 'gatewayPrt'");
    expect(result.out).toContain("- supabase:smtpPassword: stored in plain text");
    expect(result.out).not.toContain("plain-text-password");
    expect(result.out).toContain("fix: edit stacks/Pulumi.dev.yaml, or pulumi config set supabase:<key> <value> --stack dev");
  });

  it("fails on a stack file that is not YAML, and on a missing one", async () => {
    const { host } = machine(checkout({ "stacks/Pulumi.dev.yaml": "config:\n  supabase:platform: [docker\n", "stacks/Pulumi.staging.yaml": undefined }));
    expect((await checks([], host)).byId("stack-config")).toMatchObject({ status: "fail", detail: expect.stringContaining("is not valid YAML") });
    expect((await checks(["--stack", "staging"], host)).byId("stack-config")).toMatchObject({ status: "fail", detail: "stacks/Pulumi.staging.yaml not found" });
  });

  it("requires a passphrase for staging, naming both variables", async () => {
    const { host } = machine(checkout());
    const passphrase = (await checks(["--stack", "staging"], host)).byId("passphrase");
    expect(passphrase.status).toBe("fail");
    expect(passphrase.detail).toBe("no passphrase: neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set");
  });

  it("fails for dev when the stack file was initialised with a passphrase nobody has set", async () => {
    const dev = `encryptionsalt: v1:abc=:v1:def:ghi==\n${STACK_FILES["stacks/Pulumi.dev.yaml"]}`;
    const { host } = machine(checkout({ "stacks/Pulumi.dev.yaml": dev }));
    const passphrase = (await checks([], host)).byId("passphrase");
    expect(passphrase.status).toBe("fail");
    expect(passphrase.fix).toContain("delete the encryptionsalt line");
  });

  it("fails on old Node and missing packages, and warns on Node 22", async () => {
    const { host } = machine(checkout({ "node_modules/zod/package.json": undefined, "node_modules/yaml/package.json": JSON.stringify({ version: "2.0.0" }) }), {
      responses: { "node --version": { code: 0, stdout: "v20.20.2\n", stderr: "" } },
    });
    const result = await checks([], host);
    expect(result.byId("node")).toMatchObject({ status: "fail", detail: "node v20.20.2 on PATH is older than 22" });
    expect(result.byId("dependencies")).toMatchObject({ status: "fail", detail: "2 of 2 packages not installed as pinned: yaml (2.0.0, want 2.9.1), zod (missing)", fix: "npm ci" });
    const { host: node22 } = machine(checkout(), { responses: { "node --version": { code: 0, stdout: "v22.12.0\n", stderr: "" } } });
    const older = await checks([], node22);
    expect(older.code).toBe(0);
    expect(older.byId("node").status).toBe("warn");
  });
});

describe("doctor command line", () => {
  it("prints a JSON array of checks with a fix exactly where something is wrong", async () => {
    const { host } = machine(checkout(), { responses: { "pulumi version": NOT_FOUND } });
    const result = await checks([], host);
    expect(result.checks.map((c) => c.id)).toEqual([
      "node",
      "dependencies",
      "pulumi-cli",
      "project",
      "backend",
      "passphrase",
      "stack-config",
      "docker-client",
      "docker-engine",
    ]);
    for (const check of result.checks) {
      expect(["ok", "warn", "fail"]).toContain(check.status);
      expect(typeof check.detail).toBe("string");
      expect(check.detail).not.toContain("\n");
      expect(check.fix === undefined).toBe(check.status === "ok");
    }
  });

  it("rejects an unknown stack or flag with exit 2, naming the value and what is allowed", async () => {
    const { host, calls } = machine(checkout());
    const badStack = await doctor(["--stack", "qa"], host);
    expect(badStack.code).toBe(2);
    expect(badStack.err).toContain("--stack: got 'qa'; expected one of dev, staging, prod");
    const badFlag = await doctor(["--verbose"], host);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toContain("unknown flag --verbose; allowed flags: --json, --help, --stack");
    expect(calls).toEqual([]);
  });
});
