import type { RowCounts } from "./row-counts.js";

/** Name of the manifest inside a backup; it is written last, so a backup without one is incomplete. */
export const MANIFEST_NAME = "manifest.json";
/** Suffix of encrypted objects. */
export const ENCRYPTED_SUFFIX = ".enc";
const FORMAT = "supabase-backup/1";

/** One file of a backup. */
export interface ManifestFile {
  /** Path of the plaintext file inside the backup, `/`-separated. */
  readonly path: string;
  readonly plainBytes: number;
  readonly storedBytes: number;
  /** sha256 of the plaintext, checked after decryption and by `sha256sum -c SHA256SUMS`. */
  readonly sha256: string;
}

/** What a logical or Redis backup holds and how it was checked. */
export interface BackupManifest {
  readonly format: typeof FORMAT;
  readonly kind: "logical" | "redis";
  readonly id: string;
  readonly createdAt: string;
  readonly completedAt: string;
  /** True when every check listed in `checks` passed before upload. */
  readonly verified: boolean;
  readonly checks: readonly string[];
  readonly encryption: { readonly algorithm: "AES-256-GCM, 1 MiB chunks, HKDF-SHA256 per file"; readonly keyFingerprint: string };
  readonly files: readonly ManifestFile[];
  /** Facts about the source (server version, database, Redis key count, …). */
  readonly source: Readonly<Record<string, string | number | boolean>>;
  /** Rows per table in the dump's snapshot, for restores and drills to compare with. */
  readonly rowCounts?: RowCounts;
}

/** Everything but the fixed fields, for building a manifest. */
export type ManifestInput = Omit<BackupManifest, "format" | "encryption"> & { readonly keyFingerprint: string };

/** Builds a manifest. */
export function buildManifest(input: ManifestInput): BackupManifest {
  const { keyFingerprint, ...rest } = input;
  return { format: FORMAT, ...rest, encryption: { algorithm: "AES-256-GCM, 1 MiB chunks, HKDF-SHA256 per file", keyFingerprint } };
}

/** The folder of one backup in the destination. */
export function backupFolder(kind: BackupManifest["kind"], id: string): string {
  return `${kind}/${id}/`;
}

/** `sha256sum -c` input for the decrypted files. */
export function sha256sums(manifest: BackupManifest): string {
  return manifest.files.map((f) => `${f.sha256}  ${f.path}\n`).join("");
}

/** Raised for a manifest that is not one of ours or is damaged. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

/** Parses and checks a manifest. */
export function parseManifest(text: string, where: string): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new ManifestError(`${where}: not JSON`);
  }
  if (value.format !== FORMAT) throw new ManifestError(`${where}: format '${String(value.format)}', expected ${FORMAT}`);
  if (!Array.isArray(value.files) || value.files.some((f) => typeof f.path !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256) || f.path.split("/").includes(".."))) {
    throw new ManifestError(`${where}: damaged file list`);
  }
  if (typeof value.id !== "string" || (value.kind !== "logical" && value.kind !== "redis")) throw new ManifestError(`${where}: no id or kind`);
  return value as BackupManifest;
}
