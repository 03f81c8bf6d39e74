import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import { byteCounter } from "./byte-counter.js";
import { readSecret, type Env } from "../lib/secrets.js";
import type { BackupStore, StoredObject } from "./store.js";

/** Part size of multipart uploads: 16 MiB parts reach 160 GiB within S3's 10,000-part limit. */
export const PART_BYTES = 16 * 1024 * 1024;
const QUEUE_SIZE = 4;

/**
 * The S3 client from the environment: BACKUP_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) for S3-compatible
 * stores, AWS_REGION (default us-east-1), BACKUP_S3_FORCE_PATH_STYLE (default on with a custom endpoint), and credentials
 * from AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (each also as *_FILE), else the SDK's default chain
 * (web identity, instance role). With a custom endpoint, checksums are sent only when an operation requires them, which
 * S3-compatible stores accept; integrity is checked end to end by the manifest's sha256 and the encryption tags.
 */
export function s3ClientConfig(env: Env): S3ClientConfig {
  const endpoint = env["BACKUP_S3_ENDPOINT"] || env["AWS_ENDPOINT_URL_S3"] || env["AWS_ENDPOINT_URL"];
  if (endpoint && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol))) {
    throw new Error(`BACKUP_S3_ENDPOINT: got '${endpoint}'; expected an http(s) URL such as https://minio.internal:9000`);
  }
  const pathStyle = env["BACKUP_S3_FORCE_PATH_STYLE"];
  if (pathStyle !== undefined && pathStyle !== "" && !["true", "false"].includes(pathStyle)) throw new Error(`BACKUP_S3_FORCE_PATH_STYLE: got '${pathStyle}'; expected true or false`);
  const secret = readSecret(env, "AWS_SECRET_ACCESS_KEY");
  const keyId = readSecret(env, "AWS_ACCESS_KEY_ID");
  if ((secret === undefined) !== (keyId === undefined)) throw new Error("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE), or neither to use the default credential chain");
  return {
    region: env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || "us-east-1",
    ...(endpoint && { endpoint, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }),
    forcePathStyle: pathStyle ? pathStyle === "true" : Boolean(endpoint),
    ...(secret !== undefined && keyId !== undefined && { credentials: { accessKeyId: keyId, secretAccessKey: secret, ...(env["AWS_SESSION_TOKEN"] && { sessionToken: env["AWS_SESSION_TOKEN"] }) } }),
    maxAttempts: 5,
  };
}

/** A prefix of an S3-compatible bucket as a backup store; objects are written with multipart streaming uploads. */
export function s3Store(client: S3Client, bucket: string, prefix: string): BackupStore {
  const base = prefix ? `${prefix.replace(/\/+$/, "")}/` : "";
  return {
    description: `s3://${bucket}/${base}`,
    async put(key, body, onBytes) {
      const counted = byteCounter(onBytes);
      body.on("error", (error) => counted.stream.destroy(error));
      const upload = new Upload({ client, params: { Bucket: bucket, Key: base + key, Body: body.pipe(counted.stream) }, partSize: PART_BYTES, queueSize: QUEUE_SIZE, leavePartsOnError: false });
      await upload.done();
      return counted.total();
    },
    async get(key) {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: base + key }));
      if (!response.Body) throw new Error(`s3://${bucket}/${base}${key} has no body`);
      return response.Body as Readable;
    },
    async list(keyPrefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base + keyPrefix, ...(token && { ContinuationToken: token }) }));
        for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key.slice(base.length), size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async remove(keys) {
      for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: base + key }));
    },
  };
}
