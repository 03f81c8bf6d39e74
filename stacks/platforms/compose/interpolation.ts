import type { EnvValue } from "../../model.js";
import { SECRET_ENV_NAMES, type SecretName } from "../../secret-names.js";

/** Text compose must interpolate (a `${VAR}` reference); every other string in the file is escaped. */
export class Interpolated {
  constructor(readonly text: string) {}
}

/** Secrets that are legitimately empty: the SMTP password without SMTP, an Alertmanager receiver nobody set up. */
const OPTIONAL_SECRETS: ReadonlySet<SecretName> = new Set(["smtpPassword", "slackWebhookUrl", "pagerdutyRoutingKey", "heartbeatToken"]);

/** Escapes `$` so compose passes literal text through unchanged. */
export function escapeDollars(text: string): string {
  return text.replaceAll("$", () => "$$");
}

/** The `.env` reference of a secret; compose stops with a message when a required one is unset or empty. */
export function secretReference(secret: SecretName): string {
  const name = SECRET_ENV_NAMES[secret];
  return OPTIONAL_SECRETS.has(secret) ? `\${${name}:-}` : `\${${name}:?see .env.example}`;
}

/** An env value as compose writes it: literal text escaped, secret references as `${VAR}` in place. */
export function composeValue(value: EnvValue): string | Interpolated {
  if (typeof value === "string") return value;
  if (value.every((p) => typeof p === "string")) return value.join("");
  return new Interpolated(value.map((p) => (typeof p === "string" ? escapeDollars(p) : secretReference(p.secret))).join(""));
}

/** Replaces Interpolated values by their text and escapes `$` in every other string value (compose leaves keys alone). */
export function finalize(value: unknown): unknown {
  if (value instanceof Interpolated) return value.text;
  if (typeof value === "string") return escapeDollars(value);
  if (Array.isArray(value)) return value.map(finalize);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, finalize(v)]));
  return value;
}
