import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GENERATED_BACKUP_SECRETS } from "./backup/backup-secrets.js";
import { PgbackrestCertificates, type PgbackrestCertificatePlan } from "./backup/pgbackrest-certificates.js";
import type { SecretConfigKey } from "./config.js";
import { signApiKey, signHs256 } from "./keys.js";
import type { EnvValue } from "./model.js";
import { TLS_SECRET_NAMES, type SecretName, type TlsSecretName } from "./secret-names.js";
import { holdsSecret, render, secretsOf } from "./template.js";

/** Every secret of a stack, each one a Pulumi secret output. */
export type SecretValues = Readonly<Record<SecretName, pulumi.Output<string>>>;

/** Inputs to the stack's generated secrets. */
export interface StackSecretsArgs {
  /** Fixed iat/exp of the anon and service_role keys, so they stay stable across deploys. */
  readonly apiKeys: { readonly issuedAt: number; readonly expiresAt: number };
  /** Secrets the operator sets in stack config (SMTP password, receiver secrets, S3 keys); an unset one is empty. */
  readonly provided?: Partial<Record<SecretConfigKey, pulumi.Input<string>>>;
  /** Certificates of the pgBackRest TLS link to issue (Kubernetes with backups); without it those secrets are empty. */
  readonly pgbackrestCertificates?: PgbackrestCertificatePlan;
}

/** Generates every secret with @pulumi/random and derives the API keys; all results are wrapped in pulumi.secret. */
export class StackSecrets extends pulumi.ComponentResource {
  /** The secret values by name. */
  readonly values: SecretValues;

  constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:index:StackSecrets", name, {}, opts);
    const child = { parent: this };
    const password = (id: string, length: number): pulumi.Output<string> =>
      pulumi.secret(new random.RandomPassword(`${name}-${id}`, { length, special: false }, child).result);

    const jwtSecret = password("jwt-secret", 64);
    const metricsJwtSecret = password("metrics-jwt-secret", 64);
    const keyClaims = args.apiKeys;
    const provided = (key: SecretConfigKey): pulumi.Output<string> => pulumi.secret(pulumi.output(args.provided?.[key] ?? ""));
    this.values = {
      jwtSecret,
      anonKey: pulumi.secret(jwtSecret.apply((s) => signApiKey({ role: "anon", secret: s, ...keyClaims }))),
      serviceRoleKey: pulumi.secret(jwtSecret.apply((s) => signApiKey({ role: "service_role", secret: s, ...keyClaims }))),
      postgresPassword: password("postgres-password", 40),
      authenticatorPassword: password("authenticator-password", 40),
      authAdminPassword: password("auth-admin-password", 40),
      realtimeSecretKeyBase: pulumi.secret(new random.RandomBytes(`${name}-realtime-secret-key-base`, { length: 64 }, child).base64),
      realtimeDbEncKey: password("realtime-db-enc-key", 16),
      realtimeErlangCookie: password("realtime-erlang-cookie", 48),
      metricsJwtSecret,
      realtimeMetricsToken: pulumi.secret(
        metricsJwtSecret.apply((s) => signHs256({ role: "metrics", iss: "supabase", iat: keyClaims.issuedAt, exp: keyClaims.expiresAt }, s)),
      ),
      redisPassword: password("redis-password", 40),
      dashboardPassword: password("dashboard-password", 32),
      smtpPassword: provided("smtpPassword"),
      monitorPassword: password("monitor-password", 40),
      grafanaAdminPassword: password("grafana-admin-password", 32),
      grafanaSecretKey: password("grafana-secret-key", 40),
      slackWebhookUrl: provided("slackWebhookUrl"),
      pagerdutyRoutingKey: provided("pagerdutyRoutingKey"),
      heartbeatToken: provided("heartbeatToken"),
      pgbackrestCipherPass: password("pgbackrest-cipher-pass", GENERATED_BACKUP_SECRETS.pgbackrestCipherPass!),
      backupEncryptionKey: password("backup-encryption-key", GENERATED_BACKUP_SECRETS.backupEncryptionKey!),
      backupS3AccessKeyId: provided("backupS3AccessKeyId"),
      backupS3SecretAccessKey: provided("backupS3SecretAccessKey"),
      lokiS3AccessKeyId: provided("lokiS3AccessKeyId"),
      lokiS3SecretAccessKey: provided("lokiS3SecretAccessKey"),
      ...tlsValues(name, args.pgbackrestCertificates, child),
    };
    this.registerOutputs({});
  }
}

function tlsValues(name: string, plan: PgbackrestCertificatePlan | undefined, opts: pulumi.ComponentResourceOptions): Record<TlsSecretName, pulumi.Output<string>> {
  if (plan) return { ...new PgbackrestCertificates(`${name}-pgbackrest-tls`, { plan }, opts).values };
  return Object.fromEntries(TLS_SECRET_NAMES.map((n) => [n, pulumi.secret("")])) as Record<TlsSecretName, pulumi.Output<string>>;
}

/** Resolves an env value or file content; the result is a Pulumi secret whenever it references one. */
export function resolve(value: EnvValue, secrets: SecretValues): pulumi.Output<string> {
  if (!holdsSecret(value)) return pulumi.output(render(value, () => ""));
  const names = secretsOf(value);
  return pulumi.secret(
    pulumi.all(names.map((n) => secrets[n])).apply((vals) => {
      const byName = new Map(names.map((n, i) => [n, vals[i]!]));
      return render(value, (n) => byName.get(n)!);
    }),
  );
}
