import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../stack-files.js";
import { PROMETHEUS_EXAMPLES, renderPrometheusExample } from "./prometheus-examples.js";

for (const example of PROMETHEUS_EXAMPLES) {
  writeFileSync(join(REPO_ROOT, example.file), renderPrometheusExample(example));
  console.log(`wrote ${example.file}`);
}
