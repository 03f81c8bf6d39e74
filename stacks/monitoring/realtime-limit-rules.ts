import { stringify } from "yaml";
import type { StackConfig } from "../config.js";
import { REALTIME_TENANT } from "../services/endpoints.js";

/** The recorded series holding the tenant's configured connection limit, joined on `tenant` by the Realtime alerts. */
export const REALTIME_LIMIT_RECORD = "tenant:realtime_max_concurrent_users:config";

/** Name of the generated rule file; it sits next to the committed rule files so the same rule_files glob loads it. */
export const REALTIME_LIMIT_RULE_FILE = "realtime-limits.generated.yml";

/**
 * A rule file that records `realtime.maxConcurrentUsers` (TENANT_MAX_CONCURRENT_USERS) as a constant series for the
 * self-hosted tenant, so the limit alert follows the stack's config without a templated rule.
 */
export function renderRealtimeLimitRules(config: Pick<StackConfig, "realtime">): string {
  const group = {
    name: "realtime-limits",
    rules: [{ record: REALTIME_LIMIT_RECORD, expr: `vector(${config.realtime.maxConcurrentUsers})`, labels: { tenant: REALTIME_TENANT } }],
  };
  return `# Generated from the stack's realtime config by stacks/monitoring/realtime-limit-rules.ts.\n${stringify({ groups: [group] })}`;
}
