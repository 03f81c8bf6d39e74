import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { readSecret, SecretError, type Env } from "../lib/secrets.js";

/**
 * Encrypted file format, version 1 (streamed AES-256-GCM in chunks, so nothing unauthenticated is ever released and no
 * single GCM message nears its size limit):
 *   header  = "SBKENC01" (8 bytes) || salt (16 random bytes)
 *   key     = HKDF-SHA256(master key, salt, "supabase-backup/v1")
 *   records = for chunk i of at most CHUNK_BYTES plaintext bytes: AES-256-GCM(key, nonce = 4 zero bytes || i as 64-bit
 *             big-endian, aad = header || final flag byte) → ciphertext || 16-byte tag
 * Only the last record carries final = 1, so a truncated, reordered or extended file fails to decrypt.
 */
const MAGIC = Buffer.from("SBKENC01", "latin1");
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES;
const TAG_BYTES = 16;
/** Plaintext bytes per record. */
export const CHUNK_BYTES = 1024 * 1024;
const INFO = Buffer.from("supabase-backup/v1", "latin1");

/** Variable holding the secret the backup encryption key is derived from (or `…_FILE` naming a file holding it). */
export const ENCRYPTION_KEY_ENV = "BACKUP_ENCRYPTION_KEY";
/** Shortest accepted secret: 32 characters of a generated password carry well over 128 bits. */
export const MIN_SECRET_LENGTH = 32;

/** The master key for backup files, and a fingerprint that identifies it in manifests without revealing it. */
export interface EncryptionKey {
  readonly key: Buffer;
  readonly fingerprint: string;
}

/** Raised when a file is not in this format, or was changed, truncated or encrypted with another key. */
export class DecryptionError extends Error {
  override readonly name = "DecryptionError";
}

/** Derives the master key from a secret string (a generated password of at least 32 characters). */
export function encryptionKeyFromSecret(secret: string): EncryptionKey {
  if (secret.length < MIN_SECRET_LENGTH) throw new SecretError(`${ENCRYPTION_KEY_ENV} is too short: at least ${MIN_SECRET_LENGTH} characters (generate one with: openssl rand -base64 48)`);
  const key = createHash("sha256").update("supabase-backup master key\0").update(secret, "utf8").digest();
  const fingerprint = createHash("sha256").update("supabase-backup key fingerprint\0").update(key).digest("hex").slice(0, 16);
  return { key, fingerprint };
}

/** Reads BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE. */
export function encryptionKeyFromEnv(env: Env): EncryptionKey {
  const secret = readSecret(env, ENCRYPTION_KEY_ENV);
  if (secret === undefined) throw new SecretError(`backups are encrypted: set ${ENCRYPTION_KEY_ENV} (or ${ENCRYPTION_KEY_ENV}_FILE) to the backup encryption secret`);
  return encryptionKeyFromSecret(secret);
}

function fileKey(master: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", master, salt, INFO, 32));
}

function nonce(index: bigint): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(index, 4);
  return n;
}

function aad(header: Buffer, final: boolean): Buffer {
  return Buffer.concat([header, Buffer.from([final ? 1 : 0])]);
}

/** A stream that encrypts what passes through it. */
export function encryptStream(master: EncryptionKey): Transform {
  const salt = randomBytes(SALT_BYTES);
  const header = Buffer.concat([MAGIC, salt]);
  const key = fileKey(master.key, salt);
  let index = 0n;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let headerSent = false;
  const seal = (plain: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv("aes-256-gcm", key, nonce(index++));
    cipher.setAAD(aad(header, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    if (headerSent) return body;
    headerSent = true;
    return Buffer.concat([header, body]);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes > CHUNK_BYTES) {
        const all = Buffer.concat(pending);
        this.push(seal(all.subarray(0, CHUNK_BYTES), false));
        pending = [all.subarray(CHUNK_BYTES)];
        pendingBytes = all.length - CHUNK_BYTES;
      }
      done();
    },
    flush(done: TransformCallback) {
      this.push(seal(Buffer.concat(pending), true));
      done();
    },
  });
}

/** A stream that decrypts a file written by encryptStream; it fails (DecryptionError) on any change, truncation or wrong key. */
export function decryptStream(master: EncryptionKey): Transform {
  let header: Buffer | undefined;
  let key: Buffer | undefined;
  let index = 0n;
  let parts: Buffer[] = [];
  let length = 0;
  const take = (n: number): Buffer => {
    const all = Buffer.concat(parts);
    parts = [all.subarray(n)];
    length = all.length - n;
    return all.subarray(0, n);
  };
  const record = CHUNK_BYTES + TAG_BYTES;
  const open = (sealed: Buffer, final: boolean): Buffer => {
    if (sealed.length < TAG_BYTES) throw new DecryptionError("encrypted backup file is truncated");
    const decipher = createDecipheriv("aes-256-gcm", key!, nonce(index++));
    decipher.setAAD(aad(header!, final));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError("encrypted backup file failed authentication: it was changed or truncated, or BACKUP_ENCRYPTION_KEY is not the key it was written with");
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        parts.push(chunk);
        length += chunk.length;
        if (!header) {
          if (length < HEADER_BYTES) return done();
          header = Buffer.from(take(HEADER_BYTES));
          if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new DecryptionError("not an encrypted backup file (unknown header)");
          key = fileKey(master.key, header.subarray(MAGIC.length));
        }
        while (length > record) this.push(open(take(record), false));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (!header) throw new DecryptionError("encrypted backup file is truncated (no header)");
        this.push(open(take(length), true));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/** Size of the encrypted form of `plainBytes` bytes. */
export function encryptedSize(plainBytes: number): number {
  const records = Math.max(1, Math.ceil(plainBytes / CHUNK_BYTES));
  return HEADER_BYTES + plainBytes + records * TAG_BYTES;
}
