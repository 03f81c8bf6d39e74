import type { Readable } from "node:stream";

/** One stored object. */
export interface StoredObject {
  /** Key relative to the destination, `/`-separated. */
  readonly key: string;
  readonly size: number;
}

/** A place backups are written to and read from; keys are relative to the destination. */
export interface BackupStore {
  readonly description: string;
  /** Streams `body` to `key` (never buffering the whole object); an interrupted write never leaves a complete-looking object. Returns the bytes stored. */
  put(key: string, body: Readable, onBytes?: (storedSoFar: number) => void): Promise<number>;
  /** Reads `key` as a stream. */
  get(key: string): Promise<Readable>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  remove(keys: readonly string[]): Promise<void>;
}

/** Reads a whole small object (a manifest) as text; undefined when it does not exist. */
export async function readText(store: BackupStore, key: string): Promise<string | undefined> {
  const found = await store.list(key);
  if (!found.some((o) => o.key === key)) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
