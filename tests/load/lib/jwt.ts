/** HMAC-SHA256 of `data` keyed with the raw secret string, as unpadded base64url (k6/crypto `base64rawurl`, node `base64url`). */
export type HmacSha256 = (secret: string, data: string) => string;

/** The claims GoTrue puts in a user's access token. */
export interface UserClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: "authenticated";
  readonly exp: number;
  readonly iat: number;
  readonly email: string;
  readonly phone: string;
  readonly app_metadata: { readonly provider: "email"; readonly providers: readonly string[] };
  readonly user_metadata: Record<string, never>;
  readonly role: "authenticated";
  readonly aal: "aal1";
  readonly amr: readonly { readonly method: "password"; readonly timestamp: number }[];
  readonly session_id: string;
  readonly is_anonymous: false;
}

/** Inputs to one load user's token. */
export interface UserTokenArgs {
  /** Load user number; gives a stable sub, email and session. */
  readonly user: number;
  /** GoTrue's issuer, `<public URL>/auth/v1`. */
  readonly issuer: string;
  /** Now, in seconds since the epoch. */
  readonly now: number;
  /** Lifetime in seconds (GoTrue's JWT_EXP, 3600 by default). */
  readonly ttlSeconds: number;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    const c = point >= 0xd800 && point <= 0xdfff ? 0xfffd : point;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return bytes;
}

/** UTF-8 then unpadded base64url, without Buffer or TextEncoder so k6 and Node share it. */
export function base64UrlEncode(text: string): string {
  const bytes = utf8(text);
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const chunk = (a << 16) | (b << 8) | c;
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += B64URL[(chunk >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** A stable UUID (version 4 layout) for load user n, so reruns reuse the same rows and subjects. */
export function loadUserId(n: number, variant = 0): string {
  const hex = n.toString(16).padStart(12, "0").slice(-12);
  return `00000000-10ad-4${variant.toString(16).padStart(3, "0").slice(-3)}-8000-${hex}`;
}

/** Claims of load user n's access token, shaped as GoTrue issues them after a password sign-in. */
export function userClaims(args: UserTokenArgs): UserClaims {
  return {
    iss: args.issuer,
    sub: loadUserId(args.user),
    aud: "authenticated",
    exp: args.now + args.ttlSeconds,
    iat: args.now,
    email: `load-${args.user}@loadtest.invalid`,
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: args.now }],
    session_id: loadUserId(args.user, 1),
    is_anonymous: false,
  };
}

/** Signs claims as a compact HS256 JWT with the injected HMAC. */
export function signJwt(claims: object, secret: string, hmac: HmacSha256): string {
  const unsigned = `${base64UrlEncode(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64UrlEncode(JSON.stringify(claims))}`;
  return `${unsigned}.${hmac(secret, unsigned)}`;
}

/** Mints load user n's access token. */
export function mintUserToken(args: UserTokenArgs, secret: string, hmac: HmacSha256): string {
  return signJwt(userClaims(args), secret, hmac);
}
