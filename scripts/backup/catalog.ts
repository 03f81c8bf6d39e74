import { Readable } from "node:stream";
import { backupIdTime } from "./backup-id.js";
import { backupFolder, MANIFEST_NAME, parseManifest, sha256sums, type BackupManifest } from "./manifest.js";
import { selectExpired, type RetentionPolicy } from "./retention.js";
import { readText, type BackupStore } from "./store.js";

/** One backup folder in the destination. */
export interface CatalogEntry {
  readonly id: string;
  readonly createdAtMs: number;
  readonly manifest?: BackupManifest;
}

/** Name of the checksum list written next to the manifest. */
export const SHA256SUMS_NAME = "SHA256SUMS";

/** Every backup of a kind, oldest first, with its manifest when it is complete. */
export async function listBackups(store: BackupStore, kind: BackupManifest["kind"]): Promise<CatalogEntry[]> {
  const objects = await store.list(`${kind}/`);
  const ids = [...new Set(objects.map((o) => o.key.split("/")[1] ?? ""))].filter((id) => backupIdTime(id) !== undefined).sort();
  const withManifest = new Set(objects.filter((o) => o.key.endsWith(`/${MANIFEST_NAME}`)).map((o) => o.key.split("/")[1]));
  const entries: CatalogEntry[] = [];
  for (const id of ids) {
    const manifest = withManifest.has(id) ? await readManifest(store, kind, id) : undefined;
    entries.push({ id, createdAtMs: backupIdTime(id)!, ...(manifest && { manifest }) });
  }
  return entries;
}

/** The manifest of one backup; throws when the backup does not exist or is incomplete. */
export async function readManifest(store: BackupStore, kind: BackupManifest["kind"], id: string): Promise<BackupManifest> {
  const key = `${backupFolder(kind, id)}${MANIFEST_NAME}`;
  const text = await readText(store, key);
  if (text === undefined) throw new Error(`${kind} backup '${id}' has no manifest in ${store.description} (it does not exist or never completed)`);
  const manifest = parseManifest(text, key);
  if (manifest.id !== id || manifest.kind !== kind) throw new Error(`${key} describes ${manifest.kind} backup ${manifest.id}`);
  return manifest;
}

/** A backup by id, or the newest verified one for `latest`. */
export async function resolveBackup(store: BackupStore, kind: BackupManifest["kind"], idOrLatest: string): Promise<BackupManifest> {
  if (idOrLatest !== "latest") return readManifest(store, kind, idOrLatest);
  const newest = (await listBackups(store, kind)).filter((e) => e.manifest?.verified).at(-1);
  if (!newest?.manifest) throw new Error(`no verified ${kind} backup in ${store.description}`);
  return newest.manifest;
}

async function putText(store: BackupStore, key: string, text: string): Promise<void> {
  await store.put(key, Readable.from([Buffer.from(text, "utf8")]));
}

/** Writes SHA256SUMS, then the manifest: the manifest is last, so its presence means the backup is complete. */
export async function writeManifest(store: BackupStore, manifest: BackupManifest): Promise<number> {
  const folder = backupFolder(manifest.kind, manifest.id);
  const sums = sha256sums(manifest);
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await putText(store, `${folder}${SHA256SUMS_NAME}`, sums);
  await putText(store, `${folder}${MANIFEST_NAME}`, text);
  return Buffer.byteLength(sums) + Buffer.byteLength(text);
}

/** Deletes what the policy expires, manifest first so an interrupted deletion leaves an incomplete backup, never a complete-looking broken one. */
export async function applyRetention(store: BackupStore, kind: BackupManifest["kind"], policy: RetentionPolicy, nowMs: number): Promise<string[]> {
  const entries = await listBackups(store, kind);
  const expired = selectExpired(
    entries.map((e) => ({ id: e.id, createdAtMs: e.createdAtMs, complete: e.manifest !== undefined, verified: e.manifest?.verified === true })),
    nowMs,
    policy,
  );
  for (const id of expired) {
    const folder = backupFolder(kind, id);
    const keys = (await store.list(folder)).map((o) => o.key);
    const manifest = `${folder}${MANIFEST_NAME}`;
    await store.remove(keys.filter((k) => k === manifest));
    await store.remove(keys.filter((k) => k !== manifest));
  }
  return expired;
}
