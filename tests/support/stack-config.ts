import { readStackConfig, type StackName } from "../../stacks/stack-files.js";

export type { StackName };

/** Stack config for a mocked run, failing like the CLI when a required key has no value. */
export function loadStackConfig(stack: StackName, overrides: Record<string, unknown>): { values: Record<string, string>; secretKeys: string[] } {
  const cfg = readStackConfig(stack, overrides);
  if (cfg.missing.length) throw new Error(`Stack '${stack}' is missing configuration value(s): ${cfg.missing.join(", ")}`);
  return { values: cfg.values, secretKeys: cfg.secretKeys };
}
