import { basename, join } from "node:path";
import { PROMETHEUS_EXAMPLES, renderPrometheusExample } from "../stacks/monitoring/prometheus-examples.js";
import { REPO_ROOT } from "../stacks/stack-files.js";
import { runGenerator, type Generator } from "./lib/generated-files.js";
import { runAsScript } from "./lib/run-cli.js";

/** monitoring/prometheus/prometheus.<platform>.example.yml, one rendering per platform. */
export const PROMETHEUS_EXAMPLE_FILES: Generator = {
  label: "monitoring/prometheus",
  dir: join(REPO_ROOT, "monitoring", "prometheus"),
  files: () => Object.fromEntries(PROMETHEUS_EXAMPLES.map((e) => [basename(e.file), renderPrometheusExample(e)])),
  owns: (path) => /^prometheus\.[a-z]+\.example\.yml$/.test(path),
  help: `Usage: npm run prometheus:generate [-- --dry-run] [-- --json]

Writes monitoring/prometheus/prometheus.{docker,kubernetes}.example.yml: the scrape config the program renders for
the dev (Docker) and prod (Kubernetes) stacks.

  --dry-run  list what would change, write nothing; exit 1 when an example is out of date
  --json     print the changes as JSON
  --help     show this text`,
};

runAsScript(import.meta.url, (argv) => runGenerator(PROMETHEUS_EXAMPLE_FILES, argv));
