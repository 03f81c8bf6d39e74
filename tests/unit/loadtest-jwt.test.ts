import { createHmac } from "node:crypto";
import fc from "fast-check";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { type HmacSha256, base64UrlEncode, loadUserId, mintUserToken, userClaims } from "../../tests/load/lib/jwt.js";

/** The HMAC k6 gets from k6/crypto, here from node:crypto. */
const nodeHmac: HmacSha256 = (secret, data) => createHmac("sha256", secret).update(data).digest("base64url");
const secret = "super-secret-jwt-token-with-at-least-32-characters-long";
const issuer = "https://api.example.com/auth/v1";
const now = 1_800_000_000;

describe("tokens minted by the k6 helper", () => {
  it("verify with jose as HS256 under the raw secret, with GoTrue's claims", async () => {
    const token = mintUserToken({ user: 42, issuer, now, ttlSeconds: 3600 }, secret, nodeHmac);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      issuer,
      audience: "authenticated",
      currentDate: new Date((now + 60) * 1000),
    });
    expect(payload).toMatchObject({ sub: loadUserId(42), role: "authenticated", aud: "authenticated", iat: now, exp: now + 3600, iss: issuer, aal: "aal1", is_anonymous: false });
    expect(payload["session_id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("expire after the TTL and fail under another secret", async () => {
    const token = mintUserToken({ user: 1, issuer, now, ttlSeconds: 600 }, secret, nodeHmac);
    await expect(jwtVerify(token, new TextEncoder().encode(secret), { currentDate: new Date((now + 601) * 1000) })).rejects.toThrow(/exp/);
    await expect(jwtVerify(token, new TextEncoder().encode(`${secret}!`), { currentDate: new Date(now * 1000) })).rejects.toThrow(/signature/);
  });

  it("give every load user a distinct, stable UUID subject", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (a, b) => {
        expect(loadUserId(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(loadUserId(a) === loadUserId(b)).toBe(a === b);
      }),
    );
    expect(userClaims({ user: 7, issuer, now, ttlSeconds: 1 }).sub).toBe(loadUserId(7));
  });
});

describe("base64UrlEncode", () => {
  it("matches Buffer's base64url for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(base64UrlEncode(text)).toBe(Buffer.from(text).toString("base64url"));
      }),
      { numRuns: 300 },
    );
  });
});
