import { join } from "node:path";
import { PROJECT } from "../../stacks/config.js";
import { type Check, fail, firstLine, ok, warn } from "./check.js";
import type { Host } from "./host.js";
import { type ProjectFile, STACK_CONFIG_DIR } from "./project-file.js";

const NODE_MINIMUM = 22;
const NODE_RECOMMENDED = 24;
/** The first CLI with project-scoped stacks in file backends, which the stack names rely on. */
const PULUMI_MINIMUM: readonly [number, number, number] = [3, 61, 0];
const PULUMI_INSTALL =
  "curl -fsSL https://get.pulumi.com | sh, then open a new shell (see https://www.pulumi.com/docs/iac/download-install/)";

/** The `node` on PATH, which Pulumi runs the program with: at least 22, 24 recommended. */
export async function checkNode(host: Host): Promise<Check> {
  const fix = `install Node.js ${NODE_RECOMMENDED} (e.g. nvm install ${NODE_RECOMMENDED}) and put it first on PATH`;
  const result = await host.run("node", ["--version"]);
  if (result.code !== 0) return fail("node", "node not found on PATH", fix);
  const version = result.stdout.trim();
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  if (major < NODE_MINIMUM) return fail("node", `node ${version} on PATH is older than ${NODE_MINIMUM}`, fix);
  if (major < NODE_RECOMMENDED) return warn("node", `node ${version} works; ${NODE_RECOMMENDED} is recommended`, fix);
  return ok("node", `node ${version}`);
}

/** Every package in package.json is installed at its pinned version. */
export function checkDependencies(host: Host): Check {
  const text = host.readFile(join(host.repoDir, "package.json"));
  if (text === undefined) return fail("dependencies", `no package.json in ${host.repoDir}`, "run the scripts from the repository root");
  const manifest = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const wanted = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies });
  const wrong: string[] = [];
  for (const [name, spec] of wanted) {
    const installed = host.readFile(join(host.repoDir, "node_modules", name, "package.json"));
    if (installed === undefined) {
      wrong.push(`${name} (missing)`);
      continue;
    }
    const version = (JSON.parse(installed) as { version?: string }).version;
    if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) && version !== spec) wrong.push(`${name} (${version}, want ${spec})`);
  }
  if (wrong.length) {
    const shown = wrong.slice(0, 4).join(", ") + (wrong.length > 4 ? `, and ${wrong.length - 4} more` : "");
    return fail("dependencies", `${wrong.length} of ${wanted.length} packages not installed as pinned: ${shown}`, "npm ci");
  }
  return ok("dependencies", `${wanted.length} packages installed as pinned`);
}

/** Pulumi.yaml is present and describes this project as the scripts expect. */
export function checkProject(host: Host, project: ProjectFile): Check {
  const restore = "restore Pulumi.yaml from the repository: git restore Pulumi.yaml";
  if (project.state === "missing") return fail("project", `no Pulumi.yaml in ${host.repoDir}`, restore);
  if (project.state !== "ok") return fail("project", `Pulumi.yaml does not parse: ${project.state.parseError}`, restore);
  const problems: string[] = [];
  if (project.name !== PROJECT) problems.push(`name: got ${JSON.stringify(project.name)}; expected "${PROJECT}"`);
  if (project.stackConfigDir !== STACK_CONFIG_DIR) problems.push(`stackConfigDir: got ${JSON.stringify(project.stackConfigDir)}; expected "${STACK_CONFIG_DIR}"`);
  if (typeof project.main !== "string" || host.readFile(join(host.repoDir, project.main)) === undefined) {
    problems.push(`main: got ${JSON.stringify(project.main)}; expected a file of the program that exists`);
  }
  if (problems.length) return fail("project", `Pulumi.yaml has ${problems.length} problem(s)`, restore, problems);
  return ok("project", `Pulumi.yaml: project ${PROJECT}, program ${String(project.main)}`);
}

/** The Pulumi CLI is on PATH and new enough. */
export async function checkPulumi(host: Host): Promise<Check> {
  const result = await host.run("pulumi", ["version"]);
  if (result.code === 127) {
    const installedOffPath = host.fileMode(join(host.homeDir, ".pulumi", "bin", "pulumi")) !== undefined;
    return installedOffPath
      ? fail("pulumi-cli", "Pulumi CLI is installed in ~/.pulumi/bin but not on PATH", 'export PATH="$HOME/.pulumi/bin:$PATH" (add it to your shell profile)')
      : fail("pulumi-cli", "Pulumi CLI not found on PATH", PULUMI_INSTALL);
  }
  if (result.code !== 0) return fail("pulumi-cli", `pulumi version exited ${result.code}: ${firstLine(result.stderr)}`, PULUMI_INSTALL);
  const version = result.stdout.trim();
  const parts = /(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts) return warn("pulumi-cli", `Pulumi CLI reports an unrecognised version '${firstLine(version)}'`, PULUMI_INSTALL);
  if (olderThan(parts, PULUMI_MINIMUM)) {
    return fail("pulumi-cli", `Pulumi CLI ${version} is older than ${PULUMI_MINIMUM.join(".")}`, `upgrade: ${PULUMI_INSTALL}`);
  }
  return ok("pulumi-cli", `Pulumi CLI ${version}`);
}

function olderThan(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) < minimum[i]!;
  }
  return false;
}
