import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getAlerts,
  getGroups,
  pollUntil,
  postAlerts,
  stageConfig,
  startAlertmanager,
  startReceiverEndpoints,
  type AlertmanagerServer,
  type ApiAlert,
  type ReceiverEndpoints,
} from "../support/alertmanager.js";

const HEARTBEAT_TOKEN = "heartbeat-token-from-file";
const ROUTING_KEY = "routing-key-from-file";

const alert = (labels: Record<string, string>): ApiAlert => ({ labels, annotations: { summary: `${labels["alertname"]} test alert` } });

/** The alerts posted once; names say what each shows. */
const ALERTS = {
  watchdog: alert({ alertname: "Watchdog", severity: "none", env: "prod" }),
  postgresDown: alert({ alertname: "PostgresDown", severity: "critical", service: "postgres", env: "prod" }),
  restDownProd0: alert({ alertname: "RestDown", severity: "critical", service: "rest", env: "prod", instance: "rest-0:3001" }),
  restDownProd1: alert({ alertname: "RestDown", severity: "critical", service: "rest", env: "prod", instance: "rest-1:3001" }),
  restDownStaging: alert({ alertname: "RestDown", severity: "critical", service: "rest", env: "staging", instance: "rest-0:3001" }),
  authErrorsProd: alert({ alertname: "AuthHighErrorRate", severity: "warning", service: "auth", env: "prod" }),
  kongLatencyCritical: alert({ alertname: "KongHighLatency", severity: "critical", service: "kong", env: "prod" }),
  kongLatencyWarning: alert({ alertname: "KongHighLatency", severity: "warning", service: "kong", env: "prod" }),
  kongLatencyWarningStaging: alert({ alertname: "KongHighLatency", severity: "warning", service: "kong", env: "staging" }),
  kongErrorsWarning: alert({ alertname: "KongHighErrorRate", severity: "warning", service: "kong", env: "prod" }),
  kongDown: alert({ alertname: "KongDown", severity: "critical", service: "kong", env: "staging" }),
  probeAuthStaging: alert({ alertname: "BlackboxProbeFailed", severity: "critical", service: "auth", env: "staging", probe: "auth-jwks" }),
  realtimeDownQa: alert({ alertname: "RealtimeDown", severity: "critical", service: "realtime", env: "qa" }),
  probeRealtimeQa: alert({ alertname: "BlackboxProbeFailed", severity: "critical", service: "realtime", env: "qa", probe: "realtime-tenants-closed" }),
  probeAuthQa: alert({ alertname: "BlackboxProbeFailed", severity: "critical", service: "auth", env: "qa", probe: "auth-jwks" }),
  nodeDown: alert({ alertname: "NodeDown", severity: "critical", service: "node", env: "prod", host: "node-a" }),
  redisOnDownNode: alert({ alertname: "RedisMemoryHigh", severity: "warning", service: "redis", env: "prod", host: "node-a" }),
  redisOnOtherNode: alert({ alertname: "RedisMemoryHigh", severity: "warning", service: "redis", env: "prod", host: "node-b" }),
} satisfies Record<string, ApiAlert>;

type AlertKey = keyof typeof ALERTS;

const sameLabels = (a: ApiAlert, b: ApiAlert): boolean => JSON.stringify(Object.entries(a.labels).sort()) === JSON.stringify(Object.entries(b.labels).sort());

describe("the real Alertmanager 0.25 with the committed config", () => {
  let endpoints: ReceiverEndpoints;
  let am: AlertmanagerServer;
  let states: Map<AlertKey, ApiAlert>;

  beforeAll(async () => {
    endpoints = await startReceiverEndpoints();
    const base = endpoints.url;
    const staged = stageConfig({
      secrets: { "slack-webhook-url": `${base}/slack`, "pagerduty-routing-key": ROUTING_KEY, "heartbeat-token": HEARTBEAT_TOKEN },
      edit: (config) => {
        config["global"].pagerduty_url = `${base}/pagerduty`;
        config["receivers"].find((r: any) => r.name === "heartbeat").webhook_configs[0].url = `${base}/heartbeat`;
      },
    });
    am = await startAlertmanager(staged);
    await postAlerts(am, Object.values(ALERTS));
    states = await pollUntil("every inhibition to settle", async () => {
      const returned = await getAlerts(am);
      const byKey = new Map((Object.keys(ALERTS) as AlertKey[]).map((k) => [k, returned.find((a) => sameLabels(a, ALERTS[k]))!]));
      const settled = [...byKey.values()].every((a) => a?.status?.state !== "unprocessed");
      return settled && byKey.get("redisOnDownNode")?.status?.state === "suppressed" ? byKey : undefined;
    }, 10_000);
  });

  afterAll(async () => {
    await am?.stop();
    await endpoints?.close();
  });

  const state = (key: AlertKey) => states.get(key)?.status;
  const fingerprint = (key: AlertKey) => states.get(key)?.fingerprint;

  it("accepts every posted alert", () => {
    for (const key of Object.keys(ALERTS) as AlertKey[]) expect(states.get(key), key).toBeDefined();
  });

  it("lets PostgresDown mute auth, rest and realtime symptoms of the same env only", () => {
    for (const key of ["restDownProd0", "restDownProd1", "authErrorsProd"] as const) {
      expect(state(key)?.state, key).toBe("suppressed");
      expect(state(key)?.inhibitedBy, key).toContain(fingerprint("postgresDown"));
    }
    expect(state("restDownStaging")?.state).toBe("active");
    expect(state("postgresDown")?.state).toBe("active");
  });

  it("lets a critical alert mute its own warning in the same service and env, and nothing else", () => {
    expect(state("kongLatencyWarning")).toMatchObject({ state: "suppressed", inhibitedBy: [fingerprint("kongLatencyCritical")] });
    expect(state("kongLatencyCritical")?.state).toBe("active");
    expect(state("kongLatencyWarningStaging")?.state).toBe("active");
    expect(state("kongErrorsWarning")?.state).toBe("active");
  });

  it("lets KongDown, or the down service behind a route, mute failing gateway probes", () => {
    expect(state("probeAuthStaging")).toMatchObject({ state: "suppressed", inhibitedBy: [fingerprint("kongDown")] });
    expect(state("probeRealtimeQa")).toMatchObject({ state: "suppressed", inhibitedBy: [fingerprint("realtimeDownQa")] });
    expect(state("probeAuthQa")?.state).toBe("active");
  });

  it("lets NodeDown mute the alerts of its host only", () => {
    expect(state("redisOnDownNode")).toMatchObject({ state: "suppressed", inhibitedBy: [fingerprint("nodeDown")] });
    expect(state("redisOnOtherNode")?.state).toBe("active");
    expect(state("nodeDown")?.state).toBe("active");
  });

  it("groups by alertname, service and env, and routes critical groups to pager and chat", async () => {
    const groups = await getGroups(am);
    const restProd = groups.filter((g) => g.labels["alertname"] === "RestDown" && g.labels["env"] === "prod");
    expect(restProd.map((g) => g.receiver.name).sort()).toEqual(["chat", "pager"]);
    for (const group of restProd) {
      expect(group.labels).toEqual({ alertname: "RestDown", service: "rest", env: "prod" });
      expect(group.alerts.map((a) => a.labels["instance"]).sort()).toEqual(["rest-0:3001", "rest-1:3001"]);
    }
    const restStaging = groups.filter((g) => g.labels["alertname"] === "RestDown" && g.labels["env"] === "staging");
    expect(restStaging.map((g) => g.alerts.length)).toEqual([1, 1]);
    const warnings = groups.filter((g) => g.labels["alertname"] === "RedisMemoryHigh");
    expect(warnings.map((g) => [g.receiver.name, g.alerts.length])).toEqual([["chat", 2]]);
  });

  it("sends the Watchdog to the heartbeat at once, with the bearer token read from its file", async () => {
    const beat = await pollUntil("the heartbeat", async () => endpoints.deliveries.find((d) => d.path === "/heartbeat"), 10_000);
    expect(beat.authorization).toBe(`Bearer ${HEARTBEAT_TOKEN}`);
    expect(beat.body.alerts.map((a: ApiAlert) => a.labels["alertname"])).toEqual(["Watchdog"]);
  });

  it("pages active critical groups with the routing key read from its file, and never inhibited ones", async () => {
    const expected = [
      "PostgresDown · postgres · prod", "RestDown · rest · staging", "KongHighLatency · kong · prod", "NodeDown · node · prod",
      "KongDown · kong · staging", "RealtimeDown · realtime · qa", "BlackboxProbeFailed · auth · qa",
    ];
    const pages = () => endpoints.deliveries.filter((d) => d.path === "/pagerduty");
    await pollUntil("the pages", async () => (expected.every((e) => pages().some((p) => p.body.payload.summary.endsWith(e))) ? true : undefined), 25_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const summaries = pages().map((p) => p.body.payload.summary as string);
    expect(summaries.sort()).toEqual(expected.map((e) => `[FIRING:1] ${e}`).sort());
    for (const page of pages()) {
      expect(page.body.routing_key).toBe(ROUTING_KEY);
      expect(page.body.payload.severity).toBe("critical");
    }
    expect(endpoints.deliveries.filter((d) => d.path === "/slack")).toEqual([]);
  }, 40_000);
});
