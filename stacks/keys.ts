import { createHmac } from "node:crypto";

/** The API roles Supabase issues long-lived keys for. */
export type ApiRole = "anon" | "service_role";

/** Inputs to one Supabase API key. */
export interface ApiKeyArgs {
  /** Postgres role the key acts as. */
  readonly role: ApiRole;
  /** The raw JWT secret string (used as the HMAC key as is, never hex- or base64-decoded). */
  readonly secret: string;
  /** Issued-at, seconds since the epoch; fixed so the key is stable across deploys. */
  readonly issuedAt: number;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

const b64url = (s: string): string => Buffer.from(s).toString("base64url");

/** Signs an HS256 JWT with claims role, iss "supabase", iat and exp, as Supabase's key generator does. */
export function signApiKey(args: ApiKeyArgs): string {
  return signHs256({ role: args.role, iss: "supabase", iat: args.issuedAt, exp: args.expiresAt }, args.secret);
}

/** Signs arbitrary claims as a compact HS256 JWT. */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const unsigned = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}
