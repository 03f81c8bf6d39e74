import { join } from "node:path";
import { parseConfig, PROJECT, SECRET_CONFIG_KEYS, type SecretConfigKey } from "../stacks/config.js";
import { composeAddressing } from "../stacks/platforms/compose/addressing.js";
import { composeConfig, renderCompose } from "../stacks/platforms/compose/index.js";
import { planStack, planTasks } from "../stacks/services/index.js";
import { readStackConfig, REPO_ROOT } from "../stacks/stack-files.js";
import { runGenerator, type Generator } from "./lib/generated-files.js";
import { runAsScript } from "./lib/run-cli.js";

/** The stack whose config the compose project mirrors. */
const STACK = "dev";

/** Files under compose/ that belong to the operator, not the generator. */
const OPERATOR_FILES = new Set([".env"]);

/** The compose project for the dev stack's config, rendered in memory. */
export function generateComposeFiles(root = REPO_ROOT): Record<string, string> {
  const { raw, secretKeys } = readStackConfig(STACK, {}, root);
  const secret = new Set<string>(SECRET_CONFIG_KEYS);
  const present = new Set(secretKeys.map((k) => k.slice(PROJECT.length + 1)).filter((k): k is SecretConfigKey => secret.has(k)));
  const settings = Object.fromEntries(Object.entries(raw).filter(([key]) => !secret.has(key)));
  const config = composeConfig(parseConfig(settings, STACK, present));
  const addressing = composeAddressing();
  return renderCompose(planStack(config, addressing), config, planTasks(config, addressing)).files;
}

/** compose/: docker-compose.yml, .env.example and files/, all generated. */
export const COMPOSE: Generator = {
  label: "compose",
  dir: join(REPO_ROOT, "compose"),
  files: () => generateComposeFiles(),
  owns: (path) => !OPERATOR_FILES.has(path),
  help: `Usage: npm run compose:generate [-- --dry-run] [-- --json]

Writes compose/ (docker-compose.yml, .env.example, files/) from the service specs and the ${STACK} stack's config
(Pulumi.yaml defaults + stacks/Pulumi.${STACK}.yaml), and removes files the generator no longer writes
(compose/.env, the operator's secrets, is never touched).

  --dry-run  list what would change, write nothing; exit 1 when compose/ is out of date
  --json     print the changes as JSON
  --help     show this text`,
};

runAsScript(import.meta.url, (argv) => runGenerator(COMPOSE, argv));
