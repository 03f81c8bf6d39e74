import type { Options } from "k6/options";
import { type AuthData, options as authOptions, createUsers } from "./auth.ts";
import { SUMMARY_TREND_STATS, SYSTEM_TAGS } from "./k6/options.ts";
import { summaryHandler } from "./k6/report.ts";
import { options as realtimeOptions, plan } from "./realtime.ts";
import { options as restOptions } from "./rest.ts";
import { SUITE_REQUIREMENTS, readSettings } from "./lib/settings.ts";
import { describePlan } from "./lib/stages.ts";

export { authFlow, teardown } from "./auth.ts";
export { realtimeRoom } from "./realtime.ts";
export { restTraffic } from "./rest.ts";

const settings = readSettings(__ENV);

/** Realtime, REST and Auth at once, with every gate: the release run. */
export const options: Options = {
  scenarios: { ...realtimeOptions.scenarios, ...restOptions.scenarios, ...authOptions.scenarios },
  thresholds: { ...realtimeOptions.thresholds, ...restOptions.thresholds, ...authOptions.thresholds },
  setupTimeout: "120s",
  teardownTimeout: "120s",
  summaryTrendStats: SUMMARY_TREND_STATS,
  systemTags: SYSTEM_TAGS,
};

/** Checks every secret, then creates the sign-in users. */
export function setup(): AuthData {
  readSettings(__ENV, SUITE_REQUIREMENTS.all);
  return createUsers();
}

export const handleSummary = summaryHandler("all", settings, describePlan(plan));
