import { hmac } from "k6/crypto";
import { type HmacSha256, mintUserToken } from "../lib/jwt.ts";
import type { LoadSettings } from "../lib/settings.ts";

/** HS256 signatures from k6's Go crypto. */
export const k6Hmac: HmacSha256 = (secret, data) => hmac("sha256", secret, data, "base64rawurl");

/** A fresh access token for load user n, or undefined when no JWT_SECRET was given. */
export function userToken(settings: LoadSettings, user: number): string | undefined {
  if (settings.jwtSecret === undefined) return undefined;
  const args = { user, issuer: settings.jwtIssuer, now: Math.floor(Date.now() / 1000), ttlSeconds: settings.tokenTtlSeconds };
  return mintUserToken(args, settings.jwtSecret, k6Hmac);
}
