import { promql, type Query } from "./panels.js";

/** The APIs behind the gateway, as Kong route-name patterns (see kong/kong.yml). */
export const API_ROUTES = {
  auth: "auth-v1.*",
  rest: "rest-v1.*",
  graphql: "graphql-v1.*",
  realtime: "realtime-v1.*",
} as const;

/** An API behind the gateway. */
export type Api = keyof typeof API_ROUTES;

const selector = (api: Api, extra = ""): string => `{env=~"$env", route=~"${API_ROUTES[api]}"${extra}}`;

/** Requests per second Kong proxied to one API. */
export const apiRequestRate = (api: Api): Query =>
  promql(`sum(rate(kong_http_requests_total${selector(api)}[$__rate_interval]))`, api);

/** Share of one API's requests answered with a 5xx status. */
export const apiErrorRatio = (api: Api): Query =>
  promql(
    `sum(rate(kong_http_requests_total${selector(api, ', code=~"5.."')}[$__rate_interval])) / sum(rate(kong_http_requests_total${selector(api)}[$__rate_interval]))`,
    api,
  );

/** A latency quantile, in ms, of one API's requests as Kong measured them end to end. */
export const apiLatency = (api: Api, quantile = 0.95): Query =>
  promql(`histogram_quantile(${quantile}, sum by (le) (rate(kong_request_latency_ms_bucket${selector(api)}[$__rate_interval])))`, api);

/** Every API. */
export const APIS = Object.keys(API_ROUTES) as Api[];
