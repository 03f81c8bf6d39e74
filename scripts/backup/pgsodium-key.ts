import { chmodSync, chownSync, copyFileSync, existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EncryptionKey } from "./encryption.js";
import { PGSODIUM_KEY_FILE } from "./logical-dump.js";
import { backupFolder, type BackupManifest } from "./manifest.js";
import type { BackupStore } from "./store.js";
import { downloadFiles } from "./transfer.js";
import { scratchDir } from "./work-dir.js";

/** Which backup's key goes where. */
export interface PgsodiumKeyRestoreRequest {
  readonly manifest: BackupManifest;
  readonly store: BackupStore;
  readonly key: EncryptionKey;
  /** Where the key goes: the pgsodium volume as mounted here, such as /etc/postgresql-custom/pgsodium_root.key. */
  readonly out: string;
  /** Replace a different key that is already there (it is moved aside, never deleted). */
  readonly force: boolean;
  readonly workDir?: string;
  readonly note: (line: string) => void;
  readonly now?: () => Date;
}

/** What happened to the key. */
export interface PgsodiumKeyRestoreResult {
  readonly id: string;
  readonly path: string;
  readonly bytes: number;
  /** `written`, or `unchanged` when the same key was already there. */
  readonly outcome: "written" | "unchanged";
  /** Where a different key that was there went. */
  readonly movedAside?: string;
}

/**
 * Writes the pgsodium root key of a logical backup, sha256-checked after decryption, to `out` with mode 0600 and the
 * owner of its directory. A different key already there is refused without `force`: every Vault secret encrypted with it
 * would become unreadable. With `force` it is moved aside as `<out>.before-restore-<time>`.
 */
export async function restorePgsodiumKey(request: PgsodiumKeyRestoreRequest): Promise<PgsodiumKeyRestoreResult> {
  const { manifest, out, note } = request;
  const file = manifest.files.find((f) => f.path === PGSODIUM_KEY_FILE);
  if (!file) throw new Error(`backup ${manifest.id} holds no pgsodium root key (its server had none at the configured path); choose another backup`);
  if (!existsSync(dirname(out))) throw new Error(`--out ${out}: directory ${dirname(out)} does not exist; mount the pgsodium volume there first`);
  const scratch = scratchDir("pgsodium-key", request.workDir);
  try {
    await downloadFiles(request.store, backupFolder("logical", manifest.id), [file], scratch.path, request.key, `pgsodium key: downloading from ${manifest.id}`, note);
    const restored = join(scratch.path, PGSODIUM_KEY_FILE);
    const bytes = readFileSync(restored);
    let movedAside: string | undefined;
    if (existsSync(out)) {
      if (readFileSync(out).equals(bytes)) return { id: manifest.id, path: out, bytes: bytes.length, outcome: "unchanged" };
      if (!request.force) {
        throw new Error(`${out} holds a different key; the data encrypted with it would become unreadable. Pass --force to replace it (it is kept as ${out}.before-restore-<time>)`);
      }
      movedAside = `${out}.before-restore-${(request.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "")}`;
      renameSync(out, movedAside);
      note(`pgsodium key: moved the key that was there to ${movedAside}`);
    }
    const partial = `${out}.partial`;
    copyFileSync(restored, partial);
    const parent = statSync(dirname(out));
    chmodOwned(partial, parent.uid, parent.gid);
    renameSync(partial, out);
    return { id: manifest.id, path: out, bytes: bytes.length, outcome: "written", ...(movedAside && { movedAside }) };
  } finally {
    scratch.remove();
  }
}

/** Mode 0600, and (when running as root) the owner of the directory, as the postgres user expects its key. */
function chmodOwned(path: string, uid: number, gid: number): void {
  chmodSync(path, 0o600);
  if (process.getuid?.() === 0) chownSync(path, uid, gid);
}
