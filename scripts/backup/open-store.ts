import { S3Client } from "@aws-sdk/client-s3";
import type { Destination } from "./destination.js";
import type { Env } from "../lib/secrets.js";
import type { BackupStore } from "./store.js";
import { localStore } from "./store-local.js";
import { s3ClientConfig, s3Store } from "./store-s3.js";

/** The store behind a destination. */
export function openStore(destination: Destination, env: Env): BackupStore {
  if (destination.kind === "local") return localStore(destination.dir);
  return s3Store(new S3Client(s3ClientConfig(env)), destination.bucket, destination.prefix);
}
