import { dashboard } from "./dashboard.js";
import { apiErrorRatio, apiLatency, apiRequestRate } from "./kong-queries.js";
import type { Dashboard } from "./model.js";
import { promql, stat, timeseries, warnAt } from "./panels.js";
import { ENV_VARIABLE } from "./variables.js";

const rate = (metric: string, extra = "") => `sum(rate(${metric}{env=~"$env"${extra}}[$__rate_interval]))`;

/** GoTrue and PostgREST: traffic and errors at the gateway, sign-ins, e-mail, the PostgREST pool and schema cache. */
export const authRest: Dashboard = dashboard({
  uid: "supabase-auth-rest",
  title: "Auth & REST",
  description: "GoTrue (OpenTelemetry metrics with _total counters) and PostgREST (admin server metrics), with their Kong routes.",
  tags: ["auth", "rest"],
  variables: [ENV_VARIABLE],
  panels: [
    stat("Auth 5xx share", "Auth requests answered with 5xx at the gateway.", [apiErrorRatio("auth")], { unit: "percentunit", thresholds: warnAt(0.01, 0.05) }),
    stat("REST 5xx share", "REST requests answered with 5xx at the gateway.", [apiErrorRatio("rest")], { unit: "percentunit", thresholds: warnAt(0.01, 0.05) }),
    stat("REST pool waiting", "Requests waiting for a PostgREST database connection.", [promql('sum(pgrst_db_pool_waiting{env=~"$env"})')], {
      thresholds: warnAt(1, 10),
    }),
    stat("Schema cache reload failures", "Failed schema cache loads in the last hour.", [
      promql('sum(increase(pgrst_schema_cache_loads_total{env=~"$env", status="FAIL"}[1h]))'),
    ], { thresholds: warnAt(1, 1) }),
    timeseries("Requests per second", "Auth and REST traffic through the gateway.", [apiRequestRate("auth"), apiRequestRate("rest")], { unit: "reqps" }),
    timeseries("Latency p95", "End-to-end latency Kong measured for each API.", [apiLatency("auth"), apiLatency("rest")], { unit: "ms" }),
    timeseries("Auth responses by status", "GoTrue responses per second by status code.", [
      promql('sum by (code) (rate(http_status_codes_total{env=~"$env", job="auth"}[$__rate_interval]))', "{{code}}"),
    ], { unit: "reqps" }),
    timeseries("Password sign-ins", "Password checks submitted and completed; a gap means slow bcrypt or failures.", [
      promql(rate("gotrue_compare_hash_and_password_submitted_total"), "submitted"),
      promql(rate("gotrue_compare_hash_and_password_completed_total"), "completed"),
    ], { unit: "ops" }),
    timeseries("E-mail sends", "Auth e-mails sent and failed.", [
      promql(rate("global_auth_email_send_operations_total"), "sent"),
      promql(rate("global_auth_email_send_errors_total"), "errors"),
    ], { unit: "ops" }),
    timeseries("PostgREST connection pool", "Connections available and requests waiting, against the pool size.", [
      promql('sum(pgrst_db_pool_available{env=~"$env"})', "available"),
      promql('sum(pgrst_db_pool_waiting{env=~"$env"})', "waiting"),
      promql('sum(pgrst_db_pool_max{env=~"$env"})', "max"),
    ]),
    timeseries("PostgREST pool timeouts", "Requests that gave up waiting for a connection (answered 504).", [
      promql(rate("pgrst_db_pool_timeouts_total"), "timeouts"),
    ], { unit: "ops" }),
    timeseries("Schema cache", "Schema cache loads by status and the time the last load query took.", [
      promql('sum by (status) (increase(pgrst_schema_cache_loads_total{env=~"$env"}[$__rate_interval]))', "loads {{status}}"),
      promql('max(pgrst_schema_cache_query_time_seconds{env=~"$env"})', "query seconds"),
    ]),
    timeseries("JWT cache hit ratio", "Share of JWT validations PostgREST answered from its cache.", [
      promql(`${rate("pgrst_jwt_cache_hits_total")} / ${rate("pgrst_jwt_cache_requests_total")}`, "hit ratio"),
    ], { unit: "percentunit", min: 0, max: 1 }),
  ],
});
