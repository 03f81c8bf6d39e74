import type { StackConfig } from "../config.js";
import type { Addressing, EnvValue, ServiceSpec } from "../model.js";
import { ref, tpl } from "../template.js";
import { databaseUrl } from "./database-url.js";
import { ENDPOINTS } from "./endpoints.js";
import { healthSpec, httpProbe } from "./health.js";
import { serviceBasics } from "./service-basics.js";

/** GoTrue's Prometheus listener; its default 9100 would clash with node_exporter under host networking. */
const AUTH_METRICS_PORT = 9122;

/** The public path of GoTrue's verify endpoint behind the gateway, used in every mail link. */
const VERIFY_PATH = "/auth/v1/verify";

/** GoTrue: JWTs signed with the project secret, sign-up policy and SMTP from config, Prometheus metrics on their own port. */
export function planAuth(config: StackConfig, addressing: Addressing): ServiceSpec {
  const { host, port } = ENDPOINTS.auth;
  return {
    ...serviceBasics("auth", config),
    host,
    kind: "stateless",
    env: {
      GOTRUE_API_HOST: "0.0.0.0",
      GOTRUE_API_PORT: String(port),
      API_EXTERNAL_URL: config.publicUrl,
      GOTRUE_DB_DRIVER: "postgres",
      GOTRUE_DB_DATABASE_URL: databaseUrl("supabase_auth_admin", "authAdminPassword", addressing),
      GOTRUE_SITE_URL: config.siteUrl,
      GOTRUE_URI_ALLOW_LIST: config.additionalRedirectUrls.join(","),
      GOTRUE_DISABLE_SIGNUP: String(config.auth.disableSignup),
      GOTRUE_JWT_SECRET: tpl`${ref("jwtSecret")}`,
      GOTRUE_JWT_EXP: String(config.auth.jwtExpiry),
      GOTRUE_JWT_AUD: "authenticated",
      GOTRUE_JWT_ADMIN_ROLES: "service_role",
      GOTRUE_JWT_DEFAULT_GROUP_NAME: "authenticated",
      GOTRUE_EXTERNAL_EMAIL_ENABLED: String(config.auth.enableEmailSignup),
      GOTRUE_MAILER_AUTOCONFIRM: String(config.auth.mailerAutoconfirm),
      GOTRUE_EXTERNAL_PHONE_ENABLED: String(config.auth.enablePhoneSignup),
      GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED: String(config.auth.enableAnonymousUsers),
      GOTRUE_MAILER_URLPATHS_INVITE: VERIFY_PATH,
      GOTRUE_MAILER_URLPATHS_CONFIRMATION: VERIFY_PATH,
      GOTRUE_MAILER_URLPATHS_RECOVERY: VERIFY_PATH,
      GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE: VERIFY_PATH,
      ...smtpEnv(config),
      GOTRUE_METRICS_ENABLED: "true",
      GOTRUE_METRICS_EXPORTER: "prometheus",
      OTEL_EXPORTER_PROMETHEUS_HOST: "0.0.0.0",
      OTEL_EXPORTER_PROMETHEUS_PORT: String(AUTH_METRICS_PORT),
    },
    ports: [
      { name: "http", port },
      { name: "metrics", port: AUTH_METRICS_PORT },
    ],
    health: healthSpec({ readiness: httpProbe("/health", "http"), liveness: httpProbe("/health", "http") }),
    replicas: config.replicas.auth,
    volumes: [],
    files: [],
    dependsOn: ["postgres"],
    metrics: { port: "metrics", path: "/metrics" },
    security: { readOnlyRootFilesystem: true },
  };
}

function smtpEnv(config: StackConfig): Record<string, EnvValue> {
  if (!config.smtp) return {};
  const { smtp } = config;
  return {
    GOTRUE_SMTP_ADMIN_EMAIL: smtp.adminEmail,
    GOTRUE_SMTP_HOST: smtp.host,
    GOTRUE_SMTP_PORT: String(smtp.port),
    GOTRUE_SMTP_USER: smtp.user,
    GOTRUE_SMTP_PASS: tpl`${ref("smtpPassword")}`,
    GOTRUE_SMTP_SENDER_NAME: smtp.senderName,
  };
}
