import { check } from "k6";
import { randomBytes } from "k6/crypto";
import exec from "k6/execution";
import http from "k6/http";
import type { Options } from "k6/options";
import { tagRunner } from "./k6/runner.ts";
import { SUMMARY_TREND_STATS, SYSTEM_TAGS } from "./k6/options.ts";
import { summaryHandler } from "./k6/report.ts";
import { SUITE_REQUIREMENTS, readSettings } from "./lib/settings.ts";
import { planConnections } from "./lib/stages.ts";
import { authThresholds } from "./lib/thresholds.ts";
import { authScenario } from "./lib/traffic.ts";

const settings = readSettings(__ENV);
const { durationMs } = planConnections(settings);
const authUrl = `${settings.supabaseUrl}/auth/v1`;
const admin = { apikey: settings.serviceRoleKey ?? "", Authorization: `Bearer ${settings.serviceRoleKey ?? ""}`, "Content-Type": "application/json" };
const client = { apikey: settings.anonKey, "Content-Type": "application/json" };

/** A user created for this run; handed from setup to the VUs and to teardown. */
export interface LoadUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

/** setup's result; the summary module drops it from every output because it holds passwords. */
export interface AuthData {
  readonly users: readonly LoadUser[];
}

export const options: Options = {
  scenarios: { auth: authScenario(settings.authTokenLimit, durationMs, "authFlow") },
  thresholds: authThresholds(),
  setupTimeout: "120s",
  teardownTimeout: "120s",
  summaryTrendStats: SUMMARY_TREND_STATS,
  systemTags: SYSTEM_TAGS,
};

const hex = (buffer: ArrayBuffer): string => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

/** Creates AUTH_USERS confirmed users through GoTrue's admin API with the service_role key. */
export function createUsers(): AuthData {
  const users: LoadUser[] = [];
  for (let i = 0; i < settings.authUsers; i++) {
    const email = `loadtest+${settings.runId}-${i}@example.com`;
    const password = hex(randomBytes(18));
    const body = JSON.stringify({ email, password, email_confirm: true, user_metadata: { loadtest: settings.runId } });
    const response = http.post(`${authUrl}/admin/users`, body, { headers: admin, tags: { api: "auth-admin", name: "auth admin create" } });
    const id = response.status === 200 ? response.json("id") : undefined;
    if (typeof id !== "string") throw new Error(`creating ${email}: GoTrue answered HTTP ${response.status}; expected 200 with the new user (is SUPABASE_SERVICE_ROLE_KEY the stack's service_role key?)`);
    users.push({ id, email, password });
  }
  return { users };
}

/** Checks the secrets, then creates the users. */
export function setup(): AuthData {
  readSettings(__ENV, SUITE_REQUIREMENTS.auth);
  return createUsers();
}

/** A password sign-in, then a refresh with the returned refresh token: two /token calls, paced by authScenario. */
export function authFlow(data: AuthData): void {
  tagRunner(settings.runner);
  const user = data.users[exec.scenario.iterationInTest % data.users.length];
  if (!user) return;
  const signIn = http.post(`${authUrl}/token?grant_type=password`, JSON.stringify({ email: user.email, password: user.password }), {
    headers: client,
    tags: { api: "auth", op: "password", name: "auth password grant" },
  });
  const refreshToken = signIn.status === 200 ? signIn.json("refresh_token") : undefined;
  check(signIn, { "password grant returned a session": () => typeof refreshToken === "string" }, { api: "auth" });
  if (typeof refreshToken !== "string") return;
  const refresh = http.post(`${authUrl}/token?grant_type=refresh_token`, JSON.stringify({ refresh_token: refreshToken }), {
    headers: client,
    tags: { api: "auth", op: "refresh", name: "auth refresh grant" },
  });
  check(refresh, { "refresh grant returned a session": (r) => r.status === 200 && typeof r.json("access_token") === "string" }, { api: "auth" });
}

/** Deletes the users setup created. */
export function teardown(data: AuthData): void {
  for (const user of data.users) {
    http.del(`${authUrl}/admin/users/${user.id}`, null, { headers: admin, tags: { api: "auth-admin", name: "auth admin delete" } });
  }
}

export const handleSummary = summaryHandler("auth", settings, [
  `Auth: ${settings.authUsers} users, ${authScenario(settings.authTokenLimit, durationMs, "authFlow").rate} sign-in+refresh per 5 min (GoTrue /token budget ${settings.authTokenLimit} per 5 min)`,
]);
