import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { byteCounter } from "./byte-counter.js";
import { CHUNK_BYTES, decryptStream, encryptStream, type EncryptionKey } from "./encryption.js";
import { ENCRYPTED_SUFFIX, type ManifestFile } from "./manifest.js";
import { progressReporter } from "./progress.js";
import type { BackupStore } from "./store.js";

const PARALLEL_FILES = 4;

function hasher(): { stream: Transform; hex: () => string } {
  const hash = createHash("sha256");
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, hex: () => hash.digest("hex") };
}

/** Runs `work` on every item, at most `limit` at a time; after a failure no new item starts, and it rejects once the running ones ended. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  return results;
}

/** Encrypts and stores local files under `folder`, hashing the plaintext on the way; progress lines name bytes, rate and ETA. */
export async function uploadFiles(store: BackupStore, folder: string, root: string, paths: readonly string[], key: EncryptionKey, label: string, note: (line: string) => void): Promise<ManifestFile[]> {
  const sizes = paths.map((p) => statSync(join(root, p)).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const progress = progressReporter(label, note);
  let done = 0;
  const files = await inParallel(paths, PARALLEL_FILES, async (path) => {
    const hash = hasher();
    let seen = 0;
    const read = byteCounter((n) => {
      done += n - seen;
      seen = n;
      progress.update(done, total);
    });
    const source = createReadStream(join(root, path), { highWaterMark: CHUNK_BYTES });
    const encrypted = source.pipe(read.stream).pipe(hash.stream).pipe(encryptStream(key));
    for (const stage of [source, read.stream, hash.stream]) stage.on("error", (error: Error) => encrypted.destroy(error));
    const storedBytes = await store.put(`${folder}${path}${ENCRYPTED_SUFFIX}`, encrypted);
    return { path, plainBytes: read.total(), storedBytes, sha256: hash.hex() };
  });
  progress.finish();
  return files;
}

/** Fetches, decrypts and checks (sha256 and size) every file into `root`; a file appears under its name only once it checked out. */
export async function downloadFiles(store: BackupStore, folder: string, files: readonly ManifestFile[], root: string, key: EncryptionKey, label: string, note: (line: string) => void): Promise<void> {
  const total = files.reduce((a, f) => a + f.plainBytes, 0);
  const progress = progressReporter(label, note);
  let done = 0;
  await inParallel(files, PARALLEL_FILES, async (file) => {
    const target = join(root, ...file.path.split("/"));
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    const partial = `${target}.partial`;
    const hash = hasher();
    let seen = 0;
    const written = byteCounter((n) => {
      done += n - seen;
      seen = n;
      progress.update(done, total);
    });
    try {
      await pipeline(await store.get(`${folder}${file.path}${ENCRYPTED_SUFFIX}`), decryptStream(key), hash.stream, written.stream, createWriteStream(partial, { mode: 0o600 }));
      const sha256 = hash.hex();
      if (sha256 !== file.sha256 || written.total() !== file.plainBytes) {
        throw new Error(`${file.path}: sha256 ${sha256} and ${written.total()} bytes after decryption, manifest says ${file.sha256} and ${file.plainBytes} bytes`);
      }
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
  });
  progress.finish();
}
