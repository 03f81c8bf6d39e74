/** Every secret the stack generates or receives, by name. */
export const SECRET_NAMES = [
  "jwtSecret",
  "anonKey",
  "serviceRoleKey",
  "postgresPassword",
  "authenticatorPassword",
  "authAdminPassword",
  "realtimeSecretKeyBase",
  "realtimeDbEncKey",
  "realtimeErlangCookie",
  "metricsJwtSecret",
  "realtimeMetricsToken",
  "redisPassword",
  "dashboardPassword",
  "smtpPassword",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** The environment variable that carries each secret in compose/.env. */
export const SECRET_ENV_NAMES: Readonly<Record<SecretName, string>> = {
  jwtSecret: "JWT_SECRET",
  anonKey: "ANON_KEY",
  serviceRoleKey: "SERVICE_ROLE_KEY",
  postgresPassword: "POSTGRES_PASSWORD",
  authenticatorPassword: "AUTHENTICATOR_PASSWORD",
  authAdminPassword: "SUPABASE_AUTH_ADMIN_PASSWORD",
  realtimeSecretKeyBase: "REALTIME_SECRET_KEY_BASE",
  realtimeDbEncKey: "REALTIME_DB_ENC_KEY",
  realtimeErlangCookie: "REALTIME_ERLANG_COOKIE",
  metricsJwtSecret: "METRICS_JWT_SECRET",
  realtimeMetricsToken: "REALTIME_METRICS_TOKEN",
  redisPassword: "REDIS_PASSWORD",
  dashboardPassword: "DASHBOARD_PASSWORD",
  smtpPassword: "SMTP_PASSWORD",
};
