import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { issueLoopbackCertificate } from "./tls-certificates.js";

/**
 * A real S3-compatible server (s3rver 3.7, objects on disk) over HTTPS on 127.0.0.1, with a certificate from a throwaway
 * CA. It refuses unknown access key ids but does not verify SigV4 signatures, and it does not implement
 * AbortMultipartUpload (it answers 405 and keeps the parts).
 */
export interface S3Server {
  /** https://127.0.0.1:port */
  readonly endpoint: string;
  /** 127.0.0.1:port, as pgBackRest's repo1-s3-endpoint. */
  readonly hostPort: string;
  readonly port: number;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The CA certificate (PEM file, readable by every user) that signed the server's certificate. */
  readonly caFile: string;
  /** The CA certificate as PEM text, for in-process clients. */
  readonly ca: string;
  /** What a backup CLI needs to use the server: BACKUP_S3_ENDPOINT, AWS_* and NODE_EXTRA_CA_CERTS. */
  readonly env: Readonly<Record<string, string>>;
  /** Requests the server received so far, oldest first, including those cut off mid-way. */
  requests(): S3Request[];
  stop(): Promise<void>;
}

/** One request to the server: the S3 operation, as the AWS SDK names it, and the object key (empty for the bucket). */
export interface S3Request {
  readonly operation: string;
  readonly key: string;
}

function parseRequest(line: string): S3Request {
  const [method = "", target = "/"] = line.split(" ");
  const url = new URL(target, "https://s3.invalid");
  const query = url.searchParams;
  const key = url.pathname.split("/").slice(2).map(decodeURIComponent).join("/");
  const operation = (): string => {
    if (method === "GET" && key === "") return query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    if (method === "HEAD") return key === "" ? "HeadBucket" : "HeadObject";
    if (method === "PUT") return query.has("uploadId") ? "UploadPart" : "PutObject";
    if (method === "POST") return query.has("uploads") ? "CreateMultipartUpload" : query.has("delete") ? "DeleteObjects" : "CompleteMultipartUpload";
    if (method === "DELETE") return query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    return "GetObject";
  };
  return { operation: operation(), key };
}

const STARTUP_MS = 20_000;

/**
 * Starts s3rver in its own Node process on a free port, with bucket `backups`, files and certificates in a temporary
 * directory that `stop()` removes. The process runs with --openssl-legacy-provider: s3rver encrypts ListObjectsV2
 * continuation tokens with DES, which OpenSSL 3 disables, so every truncated listing would otherwise fail with a 500.
 */
export async function startS3Server(): Promise<S3Server> {
  const root = mkdtempSync(join(tmpdir(), "s3rver-"));
  chmodSync(root, 0o755);
  const certificates = issueLoopbackCertificate(root);
  const directory = join(root, "data");
  mkdirSync(directory, { mode: 0o700 });
  const requestLog = join(root, "requests.log");
  const bucket = "backups";
  const settings = { directory, keyFile: certificates.keyFile, certFile: certificates.certFile, bucket, requestLog };
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "--import", "tsx", join(REPO_ROOT, "tests/support/s3rver-main.ts"), JSON.stringify(settings)], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const removeNow = (): void => {
    child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", removeNow);
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const fail = (why: string): void => {
      process.removeListener("exit", removeNow);
      removeNow();
      reject(new Error(`s3rver ${why}:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${STARTUP_MS / 1000}s`), STARTUP_MS);
    child.once("exit", (code) => fail(`exited with ${code} before it listened`));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });

  const endpoint = `https://127.0.0.1:${port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const region = "us-east-1";
  return {
    endpoint,
    hostPort: `127.0.0.1:${port}`,
    port,
    bucket,
    region,
    ...credentials,
    caFile: certificates.caFile,
    ca: readFileSync(certificates.caFile, "utf8"),
    env: {
      BACKUP_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    },
    requests: () => (existsSync(requestLog) ? readFileSync(requestLog, "utf8").split("\n").filter(Boolean).map(parseRequest) : []),
    async stop() {
      process.removeListener("exit", removeNow);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
