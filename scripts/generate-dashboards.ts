import { join } from "node:path";
import { DASHBOARDS, dashboardFileName, renderDashboard } from "../stacks/monitoring/dashboards/index.js";
import { REPO_ROOT } from "../stacks/stack-files.js";
import { runGenerator, type Generator } from "./lib/generated-files.js";
import { runAsScript } from "./lib/run-cli.js";

/** monitoring/grafana/dashboards/<uid>.json, read by Grafana's file provider. */
export const DASHBOARD_FILES: Generator = {
  label: "monitoring/grafana/dashboards",
  dir: join(REPO_ROOT, "monitoring", "grafana", "dashboards"),
  files: () => Object.fromEntries(DASHBOARDS.map((d) => [dashboardFileName(d), renderDashboard(d)])),
  owns: (path) => path.endsWith(".json"),
  help: `Usage: npm run dashboards:generate [-- --dry-run] [-- --json]

Writes monitoring/grafana/dashboards/<uid>.json from the builders in stacks/monitoring/dashboards/ and removes JSON
files no builder produces.

  --dry-run  list what would change, write nothing; exit 1 when a dashboard is out of date
  --json     print the changes as JSON
  --help     show this text`,
};

runAsScript(import.meta.url, (argv) => runGenerator(DASHBOARD_FILES, argv));
