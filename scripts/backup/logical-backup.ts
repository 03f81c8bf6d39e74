import type { BackupResult, DryRun } from "./backup-result.js";
import { newBackupId } from "./backup-id.js";
import { applyRetention, writeManifest } from "./catalog.js";
import type { DatabaseTarget } from "../lib/database-target.js";
import type { EncryptionKey } from "./encryption.js";
import { dumpDatabase } from "./logical-dump.js";
import { backupFolder, buildManifest } from "./manifest.js";
import type { RetentionPolicy } from "./retention.js";
import type { Env } from "../lib/secrets.js";
import type { BackupStore } from "./store.js";
import { uploadFiles } from "./transfer.js";
import { scratchDir } from "./work-dir.js";

/** One logical backup: what to dump, where to, and how. */
export interface LogicalBackupRequest {
  readonly database: DatabaseTarget;
  readonly store: BackupStore;
  readonly key: EncryptionKey;
  readonly jobs: number;
  /** Path of the pgsodium root key on the database server. */
  readonly pgsodiumKeyPath: string;
  readonly retention: RetentionPolicy;
  /** Parent of the scratch directory the dump is written to before upload. */
  readonly workDir?: string;
  readonly env: Env;
  readonly note: (line: string) => void;
  readonly now?: () => Date;
}

/** The steps a logical backup takes, for --dry-run. */
export function planLogicalBackup(request: LogicalBackupRequest): DryRun {
  return {
    kind: "logical",
    dryRun: true,
    steps: [
      `row counts, pg_dumpall --roles-only, the pgsodium root key (${request.pgsodiumKeyPath}, read by the server) and pg_dump -Fd -j ${request.jobs} of ${request.database.description} in one snapshot, into a scratch directory under ${request.workDir ?? "the temp dir"}`,
      "pg_restore --list of the archive",
      `encrypt (AES-256-GCM, key ${request.key.fingerprint}) and upload every file to ${request.store.description}logical/<id>/, then SHA256SUMS and manifest.json`,
      `retention: delete backups older than ${request.retention.keepDays} days beyond the newest ${request.retention.keepMin}, never the newest verified one`,
    ],
  };
}

/** Dumps, checks, encrypts and uploads a logical backup, writes its manifest last, then applies retention. */
export async function backupLogical(request: LogicalBackupRequest): Promise<BackupResult> {
  const now = request.now ?? (() => new Date());
  const created = now();
  const id = newBackupId(created);
  const scratch = scratchDir("logical-backup", request.workDir);
  try {
    const dump = await dumpDatabase({ target: request.database, root: scratch.path, jobs: request.jobs, pgsodiumKeyPath: request.pgsodiumKeyPath, env: request.env, note: request.note });
    const folder = backupFolder("logical", id);
    const files = await uploadFiles(request.store, folder, dump.root, dump.files, request.key, `logical: uploading to ${request.store.description}`, request.note);
    const manifest = buildManifest({
      kind: "logical",
      id,
      createdAt: created.toISOString(),
      completedAt: now().toISOString(),
      verified: true,
      checks: dump.checks,
      keyFingerprint: request.key.fingerprint,
      files,
      source: dump.source,
      rowCounts: dump.counts,
    });
    const manifestBytes = await writeManifest(request.store, manifest);
    const expired = await applyRetention(request.store, "logical", request.retention, now().getTime());
    if (expired.length > 0) request.note(`logical: retention removed ${expired.join(", ")}`);
    return {
      kind: "logical",
      id,
      sizeBytes: files.reduce((sum, f) => sum + f.storedBytes, 0) + manifestBytes,
      details: { destination: `${request.store.description}${folder}`, files: files.length, tables: Object.keys(dump.counts).length, expired },
    };
  } finally {
    scratch.remove();
  }
}
