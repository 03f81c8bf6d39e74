import { isAbsolute, resolve } from "node:path";

/** Where logical and Redis backups are stored: a directory (dev volume) or a prefix in an S3-compatible bucket. */
export type Destination = { readonly kind: "local"; readonly dir: string } | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string };

/** What --dest / BACKUP_DEST accept, for messages. */
export const DESTINATION_FORMS = "s3://bucket/prefix or a directory path";

/** Raised for a destination that is neither form. */
export class DestinationError extends Error {
  override readonly name = "DestinationError";
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket[/prefix]` or a directory (made absolute against `cwd`). */
export function parseDestination(raw: string, cwd = process.cwd()): Destination {
  if (raw.startsWith("s3://")) {
    const [bucket = "", ...rest] = raw.slice("s3://".length).split("/");
    if (!BUCKET.test(bucket)) throw new DestinationError(`destination '${raw}': '${bucket}' is not an S3 bucket name; expected ${DESTINATION_FORMS}`);
    const prefix = rest.filter((p) => p !== "").join("/");
    return { kind: "s3", bucket, prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new DestinationError(`destination '${raw}': unsupported scheme; expected ${DESTINATION_FORMS}`);
  if (raw.trim() === "") throw new DestinationError(`destination is empty; expected ${DESTINATION_FORMS}`);
  return { kind: "local", dir: isAbsolute(raw) ? raw : resolve(cwd, raw) };
}
