import { dashboard } from "./dashboard.js";
import type { Dashboard } from "./model.js";
import { logql, logs as logsPanel, timeseries } from "./panels.js";
import { LOKI_ENV_VARIABLE, SERVICE_VARIABLE } from "./variables.js";

const streams = '{env=~"$env", service=~"$service"}';

/** Every service's logs from Loki: volume, error lines, Postgres errors, Kong 5xx and the raw stream. */
export const logs: Dashboard = dashboard({
  uid: "supabase-logs",
  title: "Logs",
  description: "Loki streams labelled service, env and host by Alloy; filter lines with the search box, never with new labels.",
  tags: ["logs", "loki"],
  variables: [LOKI_ENV_VARIABLE, SERVICE_VARIABLE],
  from: "now-1h",
  panels: [
    timeseries("Log lines per service", "Lines per second each service writes; a drop to zero is as telling as a spike.", [
      logql(`sum by (service) (rate(${streams} [$__auto]))`, "{{service}}"),
    ], { unit: "short" }),
    timeseries("Error lines per service", "Lines mentioning error, fatal or panic.", [
      logql(`sum by (service) (count_over_time(${streams} |~ "(?i)\\\\b(error|fatal|panic)\\\\b" [$__auto]))`, "{{service}}"),
    ], { unit: "short" }),
    timeseries("Postgres FATAL and PANIC", "Server messages at FATAL or PANIC severity.", [
      logql('sum by (level) (count_over_time({env=~"$env", service="postgres"} | regexp "(?P<level>FATAL|PANIC):" [$__auto]))', "{{level}}"),
    ], { unit: "short" }),
    timeseries("Kong responses by status class", "From the gateway's access log.", [
      logql('sum by (status) (count_over_time({env=~"$env", service="kong"} | pattern "<_> - <_> [<_>] \\"<_> <_> <_>\\" <status> <_>" | status=~"[45].." [$__auto]))', "{{status}}"),
    ], { unit: "short" }),
    logsPanel("Errors", "Error, fatal and panic lines of the selected services.", logql(`${streams} |~ "(?i)\\\\b(error|fatal|panic)\\\\b"`), { height: 10 }),
    logsPanel("All lines", "The raw stream of the selected services.", logql(streams), { height: 14 }),
  ],
});
