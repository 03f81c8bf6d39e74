import { randomBytes } from "node:crypto";
import { Agent } from "node:https";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ClientConfig, s3Store, PART_BYTES } from "../../scripts/backup/store-s3.js";
import type { BackupStore } from "../../scripts/backup/store.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { startS3Server, type S3Server } from "../support/s3.js";

/** Streams `data` in 64 KiB pieces, the way a file or an encryption stream arrives. */
const stream = (data: Buffer): Readable => Readable.from((function* () {
  for (let at = 0; at < data.length; at += 65_536) yield data.subarray(at, at + 65_536);
})());

/** s3rver returns at most 1000 keys per ListObjectsV2 page, like S3. */
const PAGE = 1000;
/** Attempts per request in s3ClientConfig. */
const MAX_ATTEMPTS = 5;

describe("S3 backup store against s3rver over HTTPS", () => {
  let s3: S3Server;
  let client: S3Client;
  let store: BackupStore;
  const clients: S3Client[] = [];

  /**
   * Our client configuration from `env`, trusting the server's CA through an Agent instance: the SDK replaces agent
   * options (not instances) with a default agent for `Expect: 100-continue` uploads, which would not trust it.
   */
  const clientWith = (env: Record<string, string>): S3Client => {
    const created = new S3Client({ ...s3ClientConfig(env), requestHandler: { httpsAgent: new Agent({ ca: s3.ca, keepAlive: true }) } });
    clients.push(created);
    return created;
  };
  const clientFor = (endpoint: string): S3Client => clientWith({ ...s3.env, BACKUP_S3_ENDPOINT: endpoint });

  /** Operations served while `action` ran. */
  const served = async (action: () => Promise<unknown>): Promise<string[]> => {
    const before = s3.requests().length;
    await action();
    return s3.requests().slice(before).map((r) => r.operation);
  };

  const stored = async (key: string): Promise<Buffer> => buffer((await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body as Readable);

  const exists = (key: string): Promise<boolean> =>
    client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
      () => true,
      (error: Error) => (error.name === "NotFound" ? false : Promise.reject(error)),
    );

  beforeAll(async () => {
    s3 = await startS3Server();
    client = clientFor(s3.endpoint);
    store = s3Store(client, s3.bucket, "prefix/");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await s3?.stop();
  });

  it("streams a large object as a multipart upload and reads it back intact", async () => {
    const data = randomBytes(2 * PART_BYTES + 1234);
    const progress: number[] = [];
    const operations = await served(async () => expect(await store.put("big/object.enc", stream(data), (n) => progress.push(n))).toBe(data.length));
    expect(operations.filter((o) => o === "UploadPart")).toHaveLength(3);
    expect(operations).toEqual(expect.arrayContaining(["CreateMultipartUpload", "CompleteMultipartUpload"]));
    expect(progress.at(-1)).toBe(data.length);
    expect((await stored("prefix/big/object.enc")).equals(data)).toBe(true);
    expect((await buffer(await store.get("big/object.enc"))).equals(data)).toBe(true);
  });

  it("lists across pages, relative to the prefix, and deletes", async () => {
    const names = Array.from({ length: PAGE + 1 }, (_, i) => `list/${String(i).padStart(4, "0")}`);
    for (let at = 0; at < names.length; at += 50) {
      await Promise.all(names.slice(at, at + 50).map((name) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `prefix/${name}`, Body: name }))));
    }
    let listed: string[] = [];
    const operations = await served(async () => (listed = (await store.list("list/")).map((o) => o.key)));
    expect(listed).toEqual(names);
    expect(operations.filter((o) => o === "ListObjectsV2")).toHaveLength(2);
    await store.remove(["list/0000", names.at(-1)!]);
    expect((await store.list("list/")).map((o) => o.key)).toEqual(names.slice(1, -1));
    expect(await exists("prefix/list/0000")).toBe(false);
  });

  it("aborts a multipart upload whose part keeps losing its connection, leaving no object", async () => {
    const proxy = await startFaultProxy(s3.port, 1024 * 1024);
    try {
      const faulty = s3Store(clientFor(`https://127.0.0.1:${proxy.port}`), s3.bucket, "prefix/");
      const operations = await served(() => expect(faulty.put("broken.enc", stream(randomBytes(PART_BYTES + 10)))).rejects.toThrow());
      expect(proxy.resets).toBe(MAX_ATTEMPTS);
      expect(operations.filter((o) => o === "UploadPart")).toHaveLength(MAX_ATTEMPTS + 1);
      expect(operations).toContain("AbortMultipartUpload");
      expect(operations).not.toContain("CompleteMultipartUpload");
    } finally {
      await proxy.stop();
    }
    expect(await exists("prefix/broken.enc")).toBe(false);
  }, 60_000);

  it("fails when a source stream breaks mid-upload", async () => {
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(1000));
    setTimeout(() => failing.destroy(new Error("disk read error")), 20);
    await expect(store.put("interrupted.enc", failing)).rejects.toThrow(/disk read error/);
    expect(await exists("prefix/interrupted.enc")).toBe(false);
  });

  it("refuses a server certificate from an untrusted CA, and an unknown access key", async () => {
    const untrusting = new S3Client(s3ClientConfig(s3.env));
    clients.push(untrusting);
    await expect(s3Store(untrusting, s3.bucket, "prefix/").list("big/")).rejects.toThrow(/unable to verify the first certificate/);
    const stranger = clientWith({ ...s3.env, AWS_ACCESS_KEY_ID: "NOT-A-KEY" });
    await expect(s3Store(stranger, s3.bucket, "prefix/").list("big/")).rejects.toThrow(/Access Key Id you provided does not exist/);
  });

  it("refuses half-given credentials and malformed endpoints", () => {
    expect(() => s3ClientConfig({ AWS_ACCESS_KEY_ID: "x" })).toThrow(/set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => s3ClientConfig({ BACKUP_S3_ENDPOINT: "minio:9000" })).toThrow(/BACKUP_S3_ENDPOINT: got 'minio:9000'/);
    expect(s3ClientConfig({ AWS_REGION: "eu-west-1" })).toMatchObject({ region: "eu-west-1", forcePathStyle: false });
  });
});
