import { check } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import type { Options } from "k6/options";
import { tagRunner } from "./k6/runner.ts";
import { SUMMARY_TREND_STATS, SYSTEM_TAGS } from "./k6/options.ts";
import { summaryHandler } from "./k6/report.ts";
import { userToken } from "./k6/tokens.ts";
import { loadUserId } from "./lib/jwt.ts";
import { SUITE_REQUIREMENTS, readSettings } from "./lib/settings.ts";
import { planConnections } from "./lib/stages.ts";
import { restThresholds } from "./lib/thresholds.ts";
import { restOperation, restScenario } from "./lib/traffic.ts";

const settings = readSettings(__ENV);
const { durationMs } = planConnections(settings);
const table = `${settings.supabaseUrl}/rest/v1/load_messages`;

export const options: Options = {
  scenarios: { rest: restScenario(settings.scenario, settings.restRate, durationMs, "restTraffic") },
  thresholds: restThresholds(),
  summaryTrendStats: SUMMARY_TREND_STATS,
  systemTags: SYSTEM_TAGS,
};

/** One PostgREST request through Kong: an anon read, a user's filtered read or a user's insert (see restOperation). */
export function restTraffic(): void {
  tagRunner(settings.runner);
  const iteration = exec.scenario.iterationInTest;
  const op = restOperation(iteration);
  const user = iteration % settings.restUsers;
  const room = `room-${user % 100}`;
  const tags = { api: "rest", op, name: `rest ${op}` };
  const anon = { apikey: settings.anonKey };
  const asUser = { ...anon, Authorization: `Bearer ${userToken(settings, user) ?? ""}` };
  const response =
    op === "read"
      ? http.get(`${table}?select=id,room,created_at&order=id.desc&limit=20`, { headers: anon, tags })
      : op === "filtered"
        ? http.get(`${table}?select=id,body,created_at&room=eq.${room}&user_id=eq.${loadUserId(user)}&order=created_at.desc&limit=20`, { headers: asUser, tags })
        : http.post(table, JSON.stringify({ room, body: `load ${settings.runId} ${iteration}` }), {
            headers: { ...asUser, "Content-Type": "application/json", Prefer: "return=minimal" },
            tags,
          });
  check(response, { [`rest ${op} answered 2xx`]: (r) => r.status >= 200 && r.status < 300 }, { api: "rest" });
}

/** Fails the run before any load when a secret is missing. */
export function setup(): void {
  readSettings(__ENV, SUITE_REQUIREMENTS.rest);
}

export const handleSummary = summaryHandler("rest", settings, [`REST: ${settings.restRate} requests/s base rate for ${Math.round(durationMs / 1000)} s`]);
