import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DATASOURCES } from "../../stacks/monitoring/dashboards/datasources.js";
import { GRAFANA_PATHS, grafanaEnv } from "../../stacks/monitoring/grafana-env.js";
import { REPO_ROOT } from "../../stacks/stack-files.js";

const GRAFANA_DIR = join(REPO_ROOT, "monitoring", "grafana");
const readYaml = (path: string): any => parse(readFileSync(join(GRAFANA_DIR, path), "utf8"));

describe("datasource provisioning", () => {
  const file = readYaml("provisioning/datasources/datasources.yml");

  it("provisions exactly the pinned uids the dashboards reference, with matching types", () => {
    expect(file.apiVersion).toBe(1);
    const provisioned = file.datasources.map((d: any) => ({ type: d.type, uid: d.uid })).sort((a: any, b: any) => a.uid.localeCompare(b.uid));
    expect(provisioned).toEqual(Object.values(DATASOURCES).sort((a, b) => a.uid.localeCompare(b.uid)));
  });

  it("makes Prometheus the one default, locks every datasource and holds no secrets", () => {
    expect(file.datasources.filter((d: any) => d.isDefault).map((d: any) => d.uid)).toEqual(["prometheus"]);
    for (const d of file.datasources) {
      expect(d.editable, d.uid).toBe(false);
      expect(d.access, d.uid).toBe("proxy");
      expect(d, d.uid).not.toHaveProperty("secureJsonData");
      expect(d, d.uid).not.toHaveProperty("basicAuthPassword");
      expect(new URL(d.url).username, d.uid).toBe("");
    }
  });
});

describe("dashboard provisioning", () => {
  const file = readYaml("provisioning/dashboards/supabase.yml");

  it("reads the generated dashboards from the directory Grafana mounts them at, read-only in the UI", () => {
    expect(file.providers).toHaveLength(1);
    const [provider] = file.providers;
    expect(provider).toMatchObject({ type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: GRAFANA_PATHS.dashboards } });
  });
});

describe("grafanaEnv", () => {
  const env = grafanaEnv({ rootUrl: "https://grafana.example.com/" });

  it("reads the admin password and secret key from files and keeps anonymous access and sign-up off", () => {
    expect(env).toMatchObject({
      GF_SECURITY_ADMIN_PASSWORD__FILE: GRAFANA_PATHS.adminPasswordFile,
      GF_SECURITY_SECRET_KEY__FILE: GRAFANA_PATHS.secretKeyFile,
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_PATHS_PROVISIONING: GRAFANA_PATHS.provisioning,
    });
    expect(Object.keys(env).filter((k) => /PASSWORD|SECRET|TOKEN|KEY/.test(k) && !k.endsWith("__FILE"))).toEqual([]);
  });

  it("marks cookies Secure only behind https", () => {
    expect(env["GF_SECURITY_COOKIE_SECURE"]).toBe("true");
    expect(grafanaEnv({ rootUrl: "http://localhost:3000" })["GF_SECURITY_COOKIE_SECURE"]).toBe("false");
  });

  it("opens on a dashboard that is provisioned", () => {
    const home = env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]!;
    expect(home.startsWith(`${GRAFANA_PATHS.dashboards}/`)).toBe(true);
    expect(existsSync(join(GRAFANA_DIR, "dashboards", home.slice(GRAFANA_PATHS.dashboards.length + 1)))).toBe(true);
  });
});
