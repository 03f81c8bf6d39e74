import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** PostgreSQL's default SCRAM iteration count (scram_iterations). */
const DEFAULT_ITERATIONS = 4096;
const VERIFIER = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Salt and iteration count of a stored verifier. */
export interface ScramParameters {
  readonly iterations: number;
  readonly salt: Buffer;
}

/** Raised for a password the verifier cannot be computed for exactly as the server would. */
export class PasswordFormatError extends Error {
  override readonly name = "PasswordFormatError";
}

/** Salt and iterations of a `SCRAM-SHA-256$…` verifier, or undefined for anything else (md5, none). */
export function scramParameters(stored: string | null | undefined): ScramParameters | undefined {
  const match = stored ? VERIFIER.exec(stored) : null;
  return match ? { iterations: Number(match[1]), salt: Buffer.from(match[2]!, "base64") } : undefined;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677), computed here so that the password
 * itself never reaches the server. Printable ASCII only: SASLprep leaves it unchanged, so every client agrees.
 */
export function scramVerifier(password: string, parameters: ScramParameters = { iterations: DEFAULT_ITERATIONS, salt: randomBytes(16) }): string {
  if (!PRINTABLE_ASCII.test(password)) throw new PasswordFormatError("must be printable ASCII (generated secrets are)");
  const salted = pbkdf2Sync(password, parameters.salt, parameters.iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest("base64");
  const serverKey = createHmac("sha256", salted).update("Server Key").digest("base64");
  return `SCRAM-SHA-256$${parameters.iterations}:${parameters.salt.toString("base64")}$${storedKey}:${serverKey}`;
}
