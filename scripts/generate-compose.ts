import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, PROJECT, SECRET_CONFIG_KEYS, type SecretConfigKey } from "../stacks/config.js";
import { composeAddressing } from "../stacks/platforms/compose/addressing.js";
import { renderCompose } from "../stacks/platforms/compose/index.js";
import { planServices, planTasks } from "../stacks/services/index.js";
import { readStackConfig, REPO_ROOT } from "../stacks/stack-files.js";
import { parseFlags, UsageError } from "./lib/cli-args.js";

/** The stack whose config the compose project mirrors. */
const STACK = "dev";

/** Files under compose/ that belong to the operator, not the generator. */
const OPERATOR_FILES = new Set([".env"]);

const HELP = `Usage: npm run compose:generate [-- --dry-run] [-- --json]

Writes compose/ (docker-compose.yml, .env.example, files/) from the service specs and the ${STACK} stack's config
(Pulumi.yaml defaults + stacks/Pulumi.${STACK}.yaml), and removes files the generator no longer writes
(compose/.env, the operator's secrets, is never touched).

  --dry-run  list what would change, write nothing; exit 1 when compose/ is out of date
  --json     print the changes as JSON
  --help     show this text`;

/** How compose/ differs from the generator's output; paths relative to compose/. */
export interface ComposeDrift {
  /** Generated files that compose/ lacks. */
  readonly missing: string[];
  /** Files whose content differs. */
  readonly changed: string[];
  /** Files in compose/ the generator does not write. */
  readonly extra: string[];
}

/** The compose project for the dev stack's config, rendered in memory. */
export function generateComposeFiles(root = REPO_ROOT): Record<string, string> {
  const { raw, secretKeys } = readStackConfig(STACK, {}, root);
  const secret = new Set<string>(SECRET_CONFIG_KEYS);
  const present = new Set(secretKeys.map((k) => k.slice(PROJECT.length + 1)).filter((k): k is SecretConfigKey => secret.has(k)));
  const settings = Object.fromEntries(Object.entries(raw).filter(([key]) => !secret.has(key)));
  const config = parseConfig(settings, STACK, present);
  const addressing = composeAddressing();
  return renderCompose(planServices(config, addressing), config, planTasks(config, addressing)).files;
}

/** Compares `dir` with the generated files. */
export function composeDrift(files: Readonly<Record<string, string>>, dir: string): ComposeDrift {
  const present = existsSync(dir) ? listFiles(dir) : [];
  return {
    missing: Object.keys(files).filter((f) => !present.includes(f)),
    changed: Object.keys(files).filter((f) => present.includes(f) && readFileSync(join(dir, f), "utf8") !== files[f]),
    extra: present.filter((f) => !(f in files) && !OPERATOR_FILES.has(f)),
  };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, base) : [relative(base, path).split("\\").join("/")];
  });
}

function write(files: Readonly<Record<string, string>>, dir: string, drift: ComposeDrift): void {
  for (const file of [...drift.missing, ...drift.changed]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), files[file]!);
  }
  for (const file of drift.extra) rmSync(join(dir, file));
  for (const sub of readdirSync(dir, { withFileTypes: true })) removeEmptyDirs(join(dir, sub.name), sub.isDirectory());
}

function removeEmptyDirs(path: string, isDir: boolean): void {
  if (!isDir) return;
  for (const sub of readdirSync(path, { withFileTypes: true })) removeEmptyDirs(join(path, sub.name), sub.isDirectory());
  if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
}

function main(argv: readonly string[]): number {
  const flags = parseFlags(argv, { switches: ["dry-run", "json", "help"], options: {} });
  if (flags.switches.has("help")) {
    console.log(HELP);
    return 0;
  }
  const dir = join(REPO_ROOT, "compose");
  const files = generateComposeFiles();
  const drift = composeDrift(files, dir);
  const dryRun = flags.switches.has("dry-run");
  if (!dryRun) write(files, dir, drift);
  const changes = drift.missing.length + drift.changed.length + drift.extra.length;
  if (flags.switches.has("json")) {
    console.log(JSON.stringify({ dryRun, upToDate: changes === 0, ...drift }));
  } else {
    const verb = dryRun ? "would" : "did";
    for (const f of drift.missing) console.log(`${verb} create compose/${f}`);
    for (const f of drift.changed) console.log(`${verb} update compose/${f}`);
    for (const f of drift.extra) console.log(`${verb} remove compose/${f}`);
    console.log(changes === 0 ? "compose/ is up to date" : `${changes} file(s) ${dryRun ? "out of date" : "written"}`);
  }
  return dryRun && changes > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
