import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, SECRET_CONFIG_KEYS, STATELESS_SERVICES, parseConfig } from "../../stacks/config.js";
import { REPO_ROOT, STACK_NAMES, readStackConfig } from "../../stacks/stack-files.js";

const project = parse(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
const declared = project.config as Record<string, { type?: string; description?: string; default?: unknown; secret?: boolean }>;
const projectKeys = Object.keys(declared).filter((k) => !k.includes(":"));

describe("Pulumi.yaml", () => {
  it("runs stacks/index.ts with Node and keeps stack files in stacks/", () => {
    expect(project.name).toBe("supabase");
    expect(project.runtime.name).toBe("nodejs");
    expect(project.runtime.options).toMatchObject({ typescript: false, nodeargs: "--import tsx" });
    expect(project.main).toBe("stacks/index.ts");
    expect(existsSync(join(REPO_ROOT, project.main))).toBe(true);
    expect(project.stackConfigDir).toBe("stacks");
  });

  it("declares exactly the keys the program reads, each with a description", () => {
    expect(projectKeys.sort()).toEqual([...CONFIG_KEYS, ...SECRET_CONFIG_KEYS].sort());
    for (const key of projectKeys) expect(declared[key]?.description, key).toMatch(/\w{3,}/);
  });

  it("types only the types the Pulumi CLI knows", () => {
    for (const key of projectKeys) {
      const type = declared[key]?.type;
      if (type !== undefined) expect(["string", "integer", "boolean", "array"], key).toContain(type);
    }
  });

  it("declares defaults that agree with the program's own defaults", () => {
    const defaults = Object.fromEntries(projectKeys.flatMap((k) => (declared[k]?.default === undefined || declared[k]?.default === "" ? [] : [[k, declared[k]?.default]])));
    expect(Object.keys(defaults).length).toBeGreaterThan(10);
    expect(parseConfig({ ...defaults, platform: "docker" }, "dev")).toEqual(parseConfig({ platform: "docker" }, "dev"));
  });

  it("turns off default providers for kubernetes and docker", () => {
    expect(declared["pulumi:disable-default-providers"]).toEqual({ value: ["kubernetes", "docker"] });
  });
});

describe.each(STACK_NAMES)("stacks/Pulumi.%s.yaml", (stack) => {
  const file = readStackConfig(stack);

  it("is complete and valid", () => {
    expect(file.missing).toEqual([]);
    expect(() => parseConfig(file.raw, stack)).not.toThrow();
  });

  it("commits no secret value", () => {
    const text = readFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
    expect(text).not.toMatch(/secure:|encryptedkey|password:/i);
  });

  it("targets the platform of its environment", () => {
    const config = parseConfig(file.raw, stack);
    expect(config.platform).toBe(stack === "dev" ? "docker" : "kubernetes");
    if (stack === "prod") for (const s of STATELESS_SERVICES) expect(config.replicas[s], s).toBeGreaterThanOrEqual(2);
    if (stack === "staging") for (const s of STATELESS_SERVICES) expect(config.replicas[s], s).toBe(1);
  });
});
