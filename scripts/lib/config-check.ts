import { ConfigError, PROJECT, parseConfig } from "../../stacks/config.js";
import { type Check, fail, ok } from "./check.js";
import type { StackName } from "./cli-args.js";
import type { StackFile } from "./stack-file.js";

/** The stack file parses and its `supabase:*` keys pass the program's own validation; lists every problem. */
export function checkStackConfig(stack: StackName, file: StackFile): Check {
  const edit = `edit ${file.path}, or pulumi config set ${PROJECT}:<key> <value> --stack ${stack}`;
  if (file.state === "missing") {
    return fail("stack-config", `${file.path} not found`, `create ${file.path} with at least: config: { ${PROJECT}:platform: ${stack === "dev" ? "docker" : "kubernetes"} }`);
  }
  if (file.state !== "ok") return fail("stack-config", `${file.path} is not valid YAML: ${file.state.parseError}`, `fix the YAML in ${file.path}`);
  const problems = file.plaintextSecrets.map(
    (key) => `${key}: stored in plain text; expected a secret (pulumi config set --secret ${key.slice(PROJECT.length + 1)} <value> --stack ${stack})`,
  );
  let platform = "";
  try {
    platform = parseConfig(file.raw, stack, file.secretKeys).platform;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length) {
    return fail("stack-config", `${file.path}: ${problems.length} invalid setting${problems.length === 1 ? "" : "s"}`, edit, problems);
  }
  return ok("stack-config", `${file.path} is valid (platform ${platform})`);
}
