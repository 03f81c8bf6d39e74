import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DASHBOARDS, dashboardFileName, renderDashboard } from "../stacks/monitoring/dashboards/index.js";
import { REPO_ROOT } from "../stacks/stack-files.js";
import { parseFlags, UsageError } from "./lib/cli-args.js";

/** Where the committed dashboard JSON lives; Grafana's file provider reads it. */
export const DASHBOARDS_DIR = join(REPO_ROOT, "monitoring", "grafana", "dashboards");

const HELP = `Usage: npm run dashboards:generate [-- --dry-run] [-- --json]

Writes monitoring/grafana/dashboards/<uid>.json from the builders in stacks/monitoring/dashboards/ and removes JSON
files no builder produces.

  --dry-run  list what would change, write nothing; exit 1 when a dashboard is out of date
  --json     print the changes as JSON
  --help     show this text`;

/** How the committed dashboards differ from the builders' output; file names. */
export interface DashboardDrift {
  /** Generated dashboards without a committed file. */
  readonly missing: string[];
  /** Committed files whose content differs. */
  readonly changed: string[];
  /** Committed JSON files no builder produces. */
  readonly extra: string[];
}

/** The generated files by name. */
export function generateDashboardFiles(): Record<string, string> {
  return Object.fromEntries(DASHBOARDS.map((d) => [dashboardFileName(d), renderDashboard(d)]));
}

/** Compares the generated files with a directory's JSON files. */
export function dashboardDrift(files: Readonly<Record<string, string>>, dir: string): DashboardDrift {
  const present = readdirSync(dir).filter((f) => f.endsWith(".json"));
  return {
    missing: Object.keys(files).filter((f) => !present.includes(f)),
    changed: Object.keys(files).filter((f) => present.includes(f) && readFileSync(join(dir, f), "utf8") !== files[f]),
    extra: present.filter((f) => !(f in files)),
  };
}

function main(argv: readonly string[]): number {
  const flags = parseFlags(argv, { switches: ["dry-run", "json", "help"], options: {} });
  if (flags.switches.has("help")) {
    console.log(HELP);
    return 0;
  }
  const files = generateDashboardFiles();
  const drift = dashboardDrift(files, DASHBOARDS_DIR);
  const dryRun = flags.switches.has("dry-run");
  if (!dryRun) {
    for (const file of [...drift.missing, ...drift.changed]) writeFileSync(join(DASHBOARDS_DIR, file), files[file]!);
    for (const file of drift.extra) rmSync(join(DASHBOARDS_DIR, file));
  }
  const changes = drift.missing.length + drift.changed.length + drift.extra.length;
  if (flags.switches.has("json")) {
    console.log(JSON.stringify({ dryRun, upToDate: changes === 0, ...drift }));
  } else {
    const verb = dryRun ? "would" : "did";
    for (const f of drift.missing) console.log(`${verb} create ${f}`);
    for (const f of drift.changed) console.log(`${verb} update ${f}`);
    for (const f of drift.extra) console.log(`${verb} remove ${f}`);
    console.log(changes === 0 ? "dashboards are up to date" : `${changes} dashboard file(s) ${dryRun ? "out of date" : "written"}`);
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
