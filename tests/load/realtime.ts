import type { Options } from "k6/options";
import { tagRunner } from "./k6/runner.ts";
import { runRoom } from "./k6/room.ts";
import { SUMMARY_TREND_STATS, SYSTEM_TAGS } from "./k6/options.ts";
import { summaryHandler } from "./k6/report.ts";
import { ERROR_REASONS } from "./lib/protocol.ts";
import { SUITE_REQUIREMENTS, readSettings } from "./lib/settings.ts";
import { describePlan, planConnections, roomsScenario } from "./lib/stages.ts";
import { realtimeThresholds } from "./lib/thresholds.ts";

const settings = readSettings(__ENV);
/** The connection schedule every VU of this run shares. */
export const plan = planConnections(settings);

export const options: Options = {
  scenarios: { realtime: roomsScenario(plan, "realtimeRoom") },
  thresholds: realtimeThresholds(ERROR_REASONS),
  summaryTrendStats: SUMMARY_TREND_STATS,
  systemTags: SYSTEM_TAGS,
};

/** One room per VU: its sockets join `realtime:load-<run>-<room>` on schedule; member 0 publishes. */
export function realtimeRoom(): void {
  tagRunner(settings.runner);
  runRoom(settings, plan);
}

/** Fails the run before any load when a secret is missing. */
export function setup(): void {
  readSettings(__ENV, SUITE_REQUIREMENTS.realtime);
}

export const handleSummary = summaryHandler("realtime", settings, describePlan(plan));
