/** Where the Grafana container finds its files; the platform mounts monitoring/grafana/* and the secrets there. */
export const GRAFANA_PATHS = {
  /** monitoring/grafana/provisioning (datasources/, dashboards/). */
  provisioning: "/etc/grafana/provisioning",
  /** monitoring/grafana/dashboards/*.json; the dashboard provider reads this directory. */
  dashboards: "/etc/grafana/dashboards",
  /** The generated admin password, one line. */
  adminPasswordFile: "/run/secrets/grafana/admin-password",
  /** The key Grafana encrypts stored datasource secrets with. */
  secretKeyFile: "/run/secrets/grafana/secret-key",
} as const;

/** What the environment map depends on. */
export interface GrafanaEnvOptions {
  /** The URL users open Grafana at; cookies are Secure when it is https. */
  readonly rootUrl: string;
}

/** Grafana's non-secret settings as GF_* variables; secrets are read from files under /run/secrets/grafana. */
export function grafanaEnv(options: GrafanaEnvOptions): Record<string, string> {
  const https = new URL(options.rootUrl).protocol === "https:";
  return {
    GF_SERVER_ROOT_URL: options.rootUrl,
    GF_PATHS_PROVISIONING: GRAFANA_PATHS.provisioning,
    GF_SECURITY_ADMIN_USER: "admin",
    GF_SECURITY_ADMIN_PASSWORD__FILE: GRAFANA_PATHS.adminPasswordFile,
    GF_SECURITY_SECRET_KEY__FILE: GRAFANA_PATHS.secretKeyFile,
    GF_SECURITY_DISABLE_GRAVATAR: "true",
    GF_SECURITY_COOKIE_SECURE: String(https),
    GF_SECURITY_COOKIE_SAMESITE: "strict",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    GF_AUTH_BASIC_ENABLED: "false",
    GF_USERS_ALLOW_SIGN_UP: "false",
    GF_USERS_ALLOW_ORG_CREATE: "false",
    GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    GF_NEWS_NEWS_FEED_ENABLED: "false",
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${GRAFANA_PATHS.dashboards}/supabase-overview.json`,
    GF_LOG_MODE: "console",
  };
}
