import fc from "fast-check";
import { jwtVerify, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { signApiKey } from "../../stacks/keys.js";

describe("signApiKey", () => {
  const secret = "super-secret-jwt-token-with-at-least-32-characters-long";

  it.each(["anon", "service_role"] as const)("signs a %s key that jose verifies with the raw secret", async (role) => {
    const key = signApiKey({ role, secret, issuedAt: 1767225600, expiresAt: 2082758400 });
    expect(decodeProtectedHeader(key)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(key, new TextEncoder().encode(secret), { issuer: "supabase", algorithms: ["HS256"], currentDate: new Date(1800000000 * 1000) });
    expect(payload).toEqual({ role, iss: "supabase", iat: 1767225600, exp: 2082758400 });
  });

  it("is deterministic and changes with the secret", () => {
    const args = { role: "anon" as const, secret, issuedAt: 1, expiresAt: 2 };
    expect(signApiKey(args)).toBe(signApiKey(args));
    expect(signApiKey({ ...args, secret: `${secret}x` })).not.toBe(signApiKey(args));
  });

  it("fails verification under any other secret", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 32, maxLength: 80 }), fc.string({ minLength: 32, maxLength: 80 }), async (a, b) => {
        fc.pre(a !== b);
        const key = signApiKey({ role: "service_role", secret: a, issuedAt: 1, expiresAt: 4102444800 });
        await expect(jwtVerify(key, new TextEncoder().encode(b))).rejects.toThrow();
        await expect(jwtVerify(key, new TextEncoder().encode(a))).resolves.toBeDefined();
      }),
      { numRuns: 25 },
    );
  });
});
