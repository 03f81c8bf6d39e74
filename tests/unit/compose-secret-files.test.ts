import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config.js";
import { signApiKey, signHs256 } from "../../stacks/keys.js";
import { envExample } from "../../stacks/platforms/compose/env-example.js";
import { RENDERER_SCRIPT, templateText } from "../../stacks/platforms/compose/secret-files.js";
import { render, tpl, ref } from "../../stacks/template.js";

const dir = mkdtempSync(join(tmpdir(), "render-secrets-"));
const script = join(dir, "render-secrets.sh");
writeFileSync(script, RENDERER_SCRIPT);

/** Runs the renderer with dash and mawk, as in Debian and Ubuntu images; returns what the wrapped command printed. */
function run(args: string[], env: Record<string, string>): string {
  return execFileSync("sh", [script, ...args], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("render-secrets.sh", () => {
  const file = {
    name: "app.conf",
    mountPath: "/etc/app/app.conf",
    content: tpl`# keep \${HOME} and \${UNKNOWN} and $ alone\nkey: "${ref("anonKey")}"\npassword ${ref("redisPassword")} ${ref("redisPassword")}\n`,
  };
  const values = { anonKey: "a&b\\c/d|e", redisPassword: "${ANON_KEY}$1" } as Record<string, string>;

  it("substitutes exactly the TPL_ values, literally, and leaves other text alone", () => {
    const template = join(dir, "app.conf.template");
    const target = join(dir, "app.conf");
    writeFileSync(template, templateText(file));
    run([template, target, "--", "true"], { TPL_ANON_KEY: values["anonKey"]!, TPL_REDIS_PASSWORD: values["redisPassword"]! });
    expect(readFileSync(target, "utf8")).toBe(render(file.content, (n) => values[n]!));
  });

  it("execs the command without the TPL_ variables, keeping the rest of the environment", () => {
    const out = run(["--", "sh", "-c", 'echo "${TPL_ANON_KEY-unset} $KEEP $#" "$0"', "arg0"], { TPL_ANON_KEY: "x", KEEP: "kept" });
    expect(out).toBe("unset kept 0 arg0\n");
  });

  it("fails on a template without a target and on a missing command", () => {
    expect(() => run([join(dir, "app.conf.template")], {})).toThrow();
    expect(() => run([], {})).toThrow();
  });
});

describe(".env.example", () => {
  const config = parseConfig({ platform: "docker" }, "dev");
  const text = envExample(config);
  const recipe = text
    .split("\n")
    .filter((l) => l.startsWith("#   ") || l.startsWith("#     "))
    .map((l) => l.slice(1))
    .join("\n");

  it("signs keys exactly as the stacks do", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    const sign = (role: string): string => execFileSync("bash", ["-c", `${recipe}\nsign "$1" "$2"`, "sign", role, secret], { encoding: "utf8" }).trim();
    expect(sign("anon")).toBe(signApiKey({ role: "anon", secret, ...config.apiKeys }));
    expect(sign("service_role")).toBe(signApiKey({ role: "service_role", secret, ...config.apiKeys }));
    expect(sign("metrics")).toBe(signHs256({ role: "metrics", iss: "supabase", iat: config.apiKeys.issuedAt, exp: config.apiKeys.expiresAt }, secret));
  });
});
