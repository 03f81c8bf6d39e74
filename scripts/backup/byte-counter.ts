import { Transform } from "node:stream";

/** A pass-through stream that counts bytes; `total()` is the count so far. */
export interface ByteCounter {
  readonly stream: Transform;
  total(): number;
}

/** Counts the bytes that pass, telling `onBytes` the running total. */
export function byteCounter(onBytes?: (total: number) => void): ByteCounter {
  let total = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      onBytes?.(total);
      done(null, chunk);
    },
  });
  return { stream, total: () => total };
}
