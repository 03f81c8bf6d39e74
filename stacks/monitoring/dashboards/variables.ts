import { SERVICE_NAMES } from "../../config.js";
import { DATASOURCES } from "./datasources.js";
import type { DatasourceRef, Variable } from "./model.js";

/** A picker filled from label values; All matches every value and series without the label. */
function labelValues(name: string, label: string, datasource: DatasourceRef, query: string): Variable {
  return {
    name,
    label,
    type: "query",
    datasource,
    query,
    definition: query,
    refresh: 2,
    multi: false,
    includeAll: true,
    allValue: ".*",
    current: { selected: true, text: "All", value: "$__all" },
    options: [],
    sort: 1,
    hide: 0,
  };
}

/**
 * $env for Prometheus panels, matched with env=~"$env". Each stack's Prometheus sets env as an external label, so its
 * own series carry none and All (.*) applies; a Prometheus holding several stacks' series with an env label can pick one.
 */
export const ENV_VARIABLE: Variable = labelValues("env", "Environment", DATASOURCES.prometheus, "label_values(up, env)");

/** $env for Loki panels, from the env label Alloy puts on every stream. */
export const LOKI_ENV_VARIABLE: Variable = labelValues("env", "Environment", DATASOURCES.loki, "label_values(env)");

/** $testid: one k6 run, from the testid tag the load tests set. */
export const TESTID_VARIABLE: Variable = labelValues("testid", "Load test run", DATASOURCES.prometheus, "label_values(k6_vus, testid)");

/** $service: one or more of the stack's services (Prometheus job names, Loki service labels), All by default. */
export const SERVICE_VARIABLE: Variable = {
  name: "service",
  label: "Service",
  type: "custom",
  query: SERVICE_NAMES.join(","),
  definition: SERVICE_NAMES.join(","),
  refresh: 0,
  multi: true,
  includeAll: true,
  allValue: SERVICE_NAMES.join("|"),
  current: { selected: true, text: ["All"], value: ["$__all"] },
  options: [
    { text: "All", value: "$__all", selected: true },
    ...SERVICE_NAMES.map((s) => ({ text: s, value: s, selected: false })),
  ],
  sort: 0,
  hide: 0,
};
