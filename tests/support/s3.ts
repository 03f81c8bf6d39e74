import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny S3-compatible endpoint on 127.0.0.1 (path-style only), holding objects in memory: PutObject, CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListObjectsV2 (paginated), GetObject, HeadObject,
 * DeleteObject. It checks that requests are SigV4-signed with the expected access key id, but does not verify signatures,
 * bucket policies, checksums or any other S3 behaviour: it proves our client code speaks the protocol, not that a given
 * S3 service accepts it.
 */
export interface S3Server {
  /** http://127.0.0.1:port */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Operation names in the order they were served (`PutObject`, `UploadPart`, …). */
  readonly operations: string[];
  /** Object bytes by key. */
  readonly objects: Map<string, Buffer>;
  /** Makes every later request of this operation fail with a 500, until called with undefined. */
  failOperation(operation: string | undefined): void;
  stop(): Promise<void>;
}

/** Options for the fake endpoint. */
export interface S3ServerOptions {
  /** Page size of ListObjectsV2, small to exercise continuation tokens. */
  readonly maxKeys?: number;
}

const xmlEscape = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const etagOf = (data: Buffer): string => `"${createHash("md5").update(data).digest("hex")}"`;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendXml(res, status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

/** Starts the endpoint on a free port. */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const bucket = "backups";
  const accessKeyId = "TESTACCESSKEY";
  const secretAccessKey = "test-secret-access-key-0123456789";
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  const operations: string[] = [];
  let failing: string | undefined;
  const maxKeys = options.maxKeys ?? 1000;

  const operation = (method: string, key: string, query: URLSearchParams): string => {
    if (method === "GET" && key === "") return "ListObjectsV2";
    if (method === "PUT") return query.has("uploadId") ? "UploadPart" : "PutObject";
    if (method === "POST") return query.has("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
    if (method === "DELETE") return query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    if (method === "HEAD") return "HeadObject";
    return "GetObject";
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [first = "", ...rest] = url.pathname.slice(1).split("/");
    const key = rest.map(decodeURIComponent).join("/");
    const op = operation(req.method ?? "GET", key, url.searchParams);
    operations.push(op);
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) return sendError(res, 403, "InvalidAccessKeyId", "unsigned request or unknown access key");
    if (decodeURIComponent(first) !== bucket) return sendError(res, 404, "NoSuchBucket", `no bucket '${first}'`);
    if (req.headers["content-encoding"]?.includes("aws-chunked")) return sendError(res, 501, "NotImplemented", "aws-chunked uploads are not supported here");
    if (failing === op) return sendError(res, 500, "InternalError", `injected failure of ${op}`);

    switch (op) {
      case "PutObject": {
        const data = await body(req);
        objects.set(key, data);
        res.writeHead(200, { etag: etagOf(data) });
        return void res.end();
      }
      case "CreateMultipartUpload": {
        const uploadId = randomUUID();
        uploads.set(uploadId, { key, parts: new Map() });
        return sendXml(res, 200, `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
      }
      case "UploadPart": {
        const upload = uploads.get(url.searchParams.get("uploadId") ?? "");
        if (!upload) return sendError(res, 404, "NoSuchUpload", "unknown upload id");
        const data = await body(req);
        upload.parts.set(Number(url.searchParams.get("partNumber")), data);
        res.writeHead(200, { etag: etagOf(data) });
        return void res.end();
      }
      case "CompleteMultipartUpload": {
        const uploadId = url.searchParams.get("uploadId") ?? "";
        const upload = uploads.get(uploadId);
        if (!upload) return sendError(res, 404, "NoSuchUpload", "unknown upload id");
        const listed = [...(await body(req)).toString("utf8").matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        if (listed.length === 0 || listed.some((n, i) => !upload.parts.has(n) || (i > 0 && n <= listed[i - 1]!))) return sendError(res, 400, "InvalidPart", "parts missing or out of order");
        const data = Buffer.concat(listed.map((n) => upload.parts.get(n)!));
        objects.set(upload.key, data);
        uploads.delete(uploadId);
        return sendXml(res, 200, `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xmlEscape(upload.key)}</Key><ETag>${etagOf(data)}</ETag></CompleteMultipartUploadResult>`);
      }
      case "AbortMultipartUpload":
        uploads.delete(url.searchParams.get("uploadId") ?? "");
        res.writeHead(204);
        return void res.end();
      case "ListObjectsV2": {
        const prefix = url.searchParams.get("prefix") ?? "";
        const after = url.searchParams.get("continuation-token") ?? "";
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = keys.slice(0, maxKeys);
        const truncated = keys.length > page.length;
        const contents = page.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(k)!.length}</Size><ETag>${etagOf(objects.get(k)!)}</ETag><LastModified>${new Date().toISOString()}</LastModified></Contents>`).join("");
        return sendXml(
          res,
          200,
          `<ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1)!)}</NextContinuationToken>` : ""}${contents}</ListBucketResult>`,
        );
      }
      case "DeleteObject":
        objects.delete(key);
        res.writeHead(204);
        return void res.end();
      default: {
        const data = objects.get(key);
        if (!data) return sendError(res, 404, "NoSuchKey", `no object '${key}'`);
        res.writeHead(200, { "content-length": data.length, etag: etagOf(data), "last-modified": new Date().toUTCString(), "content-type": "application/octet-stream" });
        return void res.end(op === "HeadObject" ? undefined : data);
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => sendError(res, 500, "InternalError", error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId,
    secretAccessKey,
    operations,
    objects,
    failOperation(op) {
      failing = op;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
