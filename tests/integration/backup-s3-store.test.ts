import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ClientConfig, s3Store, PART_BYTES } from "../../scripts/backup/store-s3.js";
import type { BackupStore } from "../../scripts/backup/store.js";
import { startS3Server, type S3Server } from "../support/s3.js";

/** Streams `data` in 64 KiB pieces, the way a file or an encryption stream arrives. */
const stream = (data: Buffer): Readable => Readable.from((function* () {
  for (let at = 0; at < data.length; at += 65_536) yield data.subarray(at, at + 65_536);
})());

describe("S3 backup store against a local S3-compatible endpoint", () => {
  let s3: S3Server;
  let store: BackupStore;

  beforeAll(async () => {
    s3 = await startS3Server({ maxKeys: 2 });
    const config = s3ClientConfig({ BACKUP_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey });
    store = s3Store(new S3Client(config), s3.bucket, "prefix/");
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it("streams a large object as a multipart upload and reads it back intact", async () => {
    const data = randomBytes(2 * PART_BYTES + 1234);
    s3.operations.length = 0;
    const progress: number[] = [];
    expect(await store.put("big/object.enc", stream(data), (n) => progress.push(n))).toBe(data.length);
    expect(s3.operations.filter((o) => o === "UploadPart")).toHaveLength(3);
    expect(s3.operations).toEqual(expect.arrayContaining(["CreateMultipartUpload", "CompleteMultipartUpload"]));
    expect(progress.at(-1)).toBe(data.length);
    expect(s3.objects.get("prefix/big/object.enc")?.equals(data)).toBe(true);
    expect((await buffer(await store.get("big/object.enc"))).equals(data)).toBe(true);
  });

  it("lists across pages, relative to the prefix, and deletes", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) await store.put(`list/${name}`, stream(Buffer.from(name)));
    expect((await store.list("list/")).map((o) => o.key)).toEqual(["list/a", "list/b", "list/c", "list/d", "list/e"]);
    expect(s3.operations.filter((o) => o === "ListObjectsV2").length).toBeGreaterThanOrEqual(3);
    await store.remove(["list/a", "list/e"]);
    expect((await store.list("list/")).map((o) => o.key)).toEqual(["list/b", "list/c", "list/d"]);
  });

  it("aborts a multipart upload whose parts fail, leaving no object", async () => {
    s3.failOperation("UploadPart");
    try {
      await expect(store.put("broken.enc", stream(randomBytes(PART_BYTES + 10)))).rejects.toThrow(/injected failure of UploadPart/);
    } finally {
      s3.failOperation(undefined);
    }
    expect(s3.operations).toContain("AbortMultipartUpload");
    expect(s3.objects.has("prefix/broken.enc")).toBe(false);
  }, 60_000);

  it("fails when a source stream breaks mid-upload", async () => {
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(1000));
    setTimeout(() => failing.destroy(new Error("disk read error")), 20);
    await expect(store.put("interrupted.enc", failing)).rejects.toThrow(/disk read error/);
    expect(s3.objects.has("prefix/interrupted.enc")).toBe(false);
  });

  it("refuses half-given credentials and malformed endpoints", () => {
    expect(() => s3ClientConfig({ AWS_ACCESS_KEY_ID: "x" })).toThrow(/set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => s3ClientConfig({ BACKUP_S3_ENDPOINT: "minio:9000" })).toThrow(/BACKUP_S3_ENDPOINT: got 'minio:9000'/);
    expect(s3ClientConfig({ AWS_REGION: "eu-west-1" })).toMatchObject({ region: "eu-west-1", forcePathStyle: false });
  });
});
