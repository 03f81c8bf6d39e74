/** Trend statistics in the summary: the gates need p(95) and p(99). */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

/** k6's default system tags without `url`: the Realtime URL carries the apikey, which must not become a metric label. */
export const SYSTEM_TAGS = ["proto", "subproto", "status", "method", "name", "group", "check", "error", "error_code", "tls_version", "scenario", "service", "expected_response"];
