import { type SummaryData, summaryOutputs } from "../lib/summary.ts";
import type { LoadSettings } from "../lib/settings.ts";

/** A handleSummary for `suite`: the report on stdout and `<SUMMARY_DIR>/<suite>-<scenario>.{txt,json}`. */
export function summaryHandler(suite: string, settings: LoadSettings, plan: readonly string[]): (data: SummaryData) => Record<string, string> {
  const title = `${suite} ${settings.scenario}${settings.stack ? ` on ${settings.stack}` : ""}`;
  return (data) => summaryOutputs(data, { title, plan }, `${settings.summaryDir}/${suite}-${settings.scenario}`);
}
