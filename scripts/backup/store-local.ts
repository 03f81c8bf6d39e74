import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { byteCounter } from "./byte-counter.js";
import type { BackupStore, StoredObject } from "./store.js";

/** Read size: whole encrypted records at a time, which keeps per-chunk overhead off decryption. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** A directory as a backup store: each key is a file; writes go to `<key>.partial` and are renamed when complete; emptied folders are removed. */
export function localStore(dir: string): BackupStore {
  const pathOf = (key: string): string => {
    const path = join(dir, ...key.split("/"));
    if (relative(dir, path).startsWith("..")) throw new Error(`key '${key}' escapes ${dir}`);
    return path;
  };
  return {
    description: dir,
    async put(key, body, onBytes) {
      const path = pathOf(key);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const partial = `${path}.partial`;
      try {
        await pipeline(body, byteCounter(onBytes).stream, createWriteStream(partial, { mode: 0o600 }));
      } catch (error) {
        rmSync(partial, { force: true });
        throw error;
      }
      renameSync(partial, path);
      return statSync(path).size;
    },
    async get(key): Promise<Readable> {
      const path = pathOf(key);
      if (!existsSync(path)) throw new Error(`${path} does not exist`);
      return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    },
    async list(prefix) {
      if (!existsSync(dir)) return [];
      const objects: StoredObject[] = [];
      for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || entry.name.endsWith(".partial")) continue;
        const path = join(entry.parentPath, entry.name);
        const key = relative(dir, path).split(sep).join("/");
        if (key.startsWith(prefix)) objects.push({ key, size: statSync(path).size });
      }
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async remove(keys) {
      for (const key of keys) {
        rmSync(pathOf(key), { force: true });
        for (let parent = dirname(pathOf(key)); parent !== dir && existsSync(parent) && readdirSync(parent).length === 0; parent = dirname(parent)) rmdirSync(parent);
      }
    },
  };
}
