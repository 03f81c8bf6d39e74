import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, decryptStream, encryptedSize, encryptionKeyFromEnv, encryptionKeyFromSecret, encryptStream } from "../../scripts/backup/encryption.js";

const key = encryptionKeyFromSecret("a-generated-secret-of-at-least-32-characters");
const otherKey = encryptionKeyFromSecret("another-generated-secret-of-32-characters!!");

function pieces(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(data.subarray(at, p));
    at = p;
  }
  out.push(data.subarray(at));
  return out.filter((b) => b.length > 0);
}

const encrypt = (data: Buffer, cuts: readonly number[] = []): Promise<Buffer> => buffer(Readable.from(pieces(data, cuts)).pipe(encryptStream(key)));
const decrypt = (data: Buffer, k = key, cuts: readonly number[] = []): Promise<Buffer> => buffer(Readable.from(pieces(data, cuts)).pipe(decryptStream(k)));

describe("streamed AES-256-GCM backup encryption", () => {
  it("round-trips files around the chunk boundaries, whatever the stream's chunking", async () => {
    for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5]) {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain, [7, 65_536, CHUNK_BYTES + 3]);
      expect(sealed.length).toBe(encryptedSize(size));
      expect((await decrypt(sealed, key, [5, 24, 1000, CHUNK_BYTES + 17])).equals(plain)).toBe(true);
    }
  });

  it("round-trips arbitrary data split arbitrarily", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), async (bytes, cutsIn, cutsOut) => {
        const plain = Buffer.from(bytes);
        expect((await decrypt(await encrypt(plain, cutsIn), key, cutsOut)).equals(plain)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("uses a fresh salt per file, so equal plaintexts never give equal ciphertexts", async () => {
    const plain = Buffer.from("same content");
    expect((await encrypt(plain)).equals(await encrypt(plain))).toBe(false);
  });

  it("rejects a changed byte, a dropped final record, an appended record and the wrong key", async () => {
    const plain = randomBytes(2 * CHUNK_BYTES + 100);
    const sealed = await encrypt(plain);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 40]! ^= 1;
    await expect(decrypt(flipped)).rejects.toThrow(/failed authentication/);
    const record = CHUNK_BYTES + 16;
    await expect(decrypt(sealed.subarray(0, 24 + 2 * record))).rejects.toThrow(/failed authentication/);
    await expect(decrypt(Buffer.concat([sealed, sealed.subarray(24, 24 + record)]))).rejects.toThrow(/failed authentication/);
    await expect(decrypt(sealed, otherKey)).rejects.toThrow(/failed authentication/);
    await expect(decrypt(Buffer.from("plain text, not a backup file"))).rejects.toThrow(/not an encrypted backup file/);
  });

  it("reads the key from the environment or a file and refuses a short secret without echoing it", () => {
    expect(encryptionKeyFromEnv({ BACKUP_ENCRYPTION_KEY: "a-generated-secret-of-at-least-32-characters" }).fingerprint).toBe(key.fingerprint);
    expect(() => encryptionKeyFromEnv({})).toThrow(/set BACKUP_ENCRYPTION_KEY \(or BACKUP_ENCRYPTION_KEY_FILE\)/);
    try {
      encryptionKeyFromEnv({ BACKUP_ENCRYPTION_KEY: "short-secret" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/too short/);
      expect((error as Error).message).not.toContain("short-secret");
    }
    expect(key.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(key.fingerprint).not.toBe(otherKey.fingerprint);
  });
});
