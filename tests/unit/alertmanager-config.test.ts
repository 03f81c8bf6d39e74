import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALERTMANAGER_DIR, SECRETS_MOUNT, loadCommittedConfig, runAmtool } from "../support/alertmanager.js";

/** Receiver fields that would hold a secret inline; each has a `_file` twin (or http_config file) in Alertmanager 0.25. */
const INLINE_SECRET_KEYS = new Set([
  "api_url", "routing_key", "service_key", "api_key", "auth_password", "auth_secret", "bot_token", "token",
  "user_key", "credentials", "password", "bearer_token", "webhook_url",
]);

/** Every [path, key, value] of a parsed YAML tree. */
function* leaves(node: unknown, path = ""): Generator<[string, string, unknown]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* leaves(item, `${path}[${i}]`);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === "object") yield* leaves(value, `${path}.${key}`);
      else yield [`${path}.${key}`, key, value];
    }
  }
}

describe("alertmanager.yml", () => {
  const config = loadCommittedConfig();
  const receiverLeaves = [...leaves(config["receivers"], "receivers")];

  it("passes amtool check-config (Alertmanager 0.25)", () => {
    const check = runAmtool(["check-config", join(ALERTMANAGER_DIR, "alertmanager.yml")]);
    expect(check.output).toContain("SUCCESS");
    expect(check.status, check.output).toBe(0);
  });

  it("reads every receiver secret from a file under the secrets mount", () => {
    const inline = receiverLeaves.filter(([, key]) => INLINE_SECRET_KEYS.has(key)).map(([path]) => path);
    expect(inline).toEqual([]);
    const files = receiverLeaves.filter(([, key]) => key.endsWith("_file"));
    expect(files.map(([, key]) => key).sort()).toEqual(["api_url_file", "credentials_file", "routing_key_file"]);
    for (const [path, , value] of files) expect(value, path).toMatch(new RegExp(`^${SECRETS_MOUNT}[a-z-]+$`));
  });

  it("keeps plain URLs free of embedded credentials and tokens", () => {
    const urls = receiverLeaves.filter(([, key]) => key === "url").map(([, , value]) => new URL(String(value)));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect([url.username, url.password, url.search]).toEqual(["", "", ""]);
  });

  it("groups by alertname, service and env, and gives the Watchdog a short repeat", () => {
    const route = config["route"];
    expect(route.group_by).toEqual(["alertname", "service", "env"]);
    const watchdog = route.routes.find((r: any) => r.matchers.includes('alertname="Watchdog"'));
    expect(watchdog.receiver).toBe("heartbeat");
    expect(watchdog.repeat_interval).toBe("1m");
  });
});

describe("message templates", () => {
  const dir = mkdtempSync(join(tmpdir(), "am-templates-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const alert = (status: string, instance: string, endsAt: string) => ({
    status,
    labels: { alertname: "RestDown", service: "rest", env: "prod", severity: "critical", instance },
    annotations: { summary: "PostgREST is down", description: `${instance} has been unreachable for 1m.`, runbook_url: "https://runbooks.example/RestDown.md" },
    startsAt: "2025-01-01T00:00:00Z",
    endsAt,
  });
  const data = (status: string) => ({
    receiver: "chat",
    status,
    externalURL: "http://alertmanager:9093",
    groupLabels: { alertname: "RestDown", service: "rest", env: "prod" },
    commonLabels: { alertname: "RestDown", service: "rest", env: "prod", severity: "critical" },
    commonAnnotations: {},
    alerts: status === "firing"
      ? [alert("firing", "rest-0:3001", "0001-01-01T00:00:00Z"), alert("firing", "rest-1:3001", "0001-01-01T00:00:00Z")]
      : [alert("resolved", "rest-0:3001", "2025-01-01T00:10:00Z")],
  });
  const render = (status: string, text: string): string => {
    const file = join(dir, `${status}.json`);
    writeFileSync(file, JSON.stringify(data(status)));
    const run = runAmtool(["template", "render", `--template.glob=${join(ALERTMANAGER_DIR, "templates", "*.tmpl")}`, `--template.data=${file}`, `--template.text=${text}`]);
    expect(run.status, run.output).toBe(0);
    return run.stdout;
  };

  it("titles a group with its state, count, alert, service and env", () => {
    expect(render("firing", '{{ template "supabase.title" . }}')).toBe("[FIRING:2] RestDown · rest · prod");
    expect(render("resolved", '{{ template "supabase.title" . }}')).toBe("[RESOLVED] RestDown · rest · prod");
  });

  it("lists each alert with its summary, instance, description and runbook", () => {
    const text = render("firing", '{{ template "supabase.alerts" .Alerts }}');
    expect(text).toContain("*PostgREST is down* (rest-0:3001)");
    expect(text).toContain("rest-1:3001 has been unreachable for 1m.");
    expect(text.match(/Runbook: https:\/\/runbooks\.example\/RestDown\.md/g)).toHaveLength(2);
  });

  it("maps severity to PagerDuty's scale and Slack's colours", () => {
    expect(render("firing", '{{ template "supabase.pagerduty.severity" . }}')).toBe("critical");
    expect(render("firing", '{{ template "supabase.slack.color" . }}')).toBe("danger");
    expect(render("resolved", '{{ template "supabase.slack.color" . }}')).toBe("good");
    expect(render("firing", '{{ template "supabase.runbook_url" . }}')).toBe("https://runbooks.example/RestDown.md");
  });
});
