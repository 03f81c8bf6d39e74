import { appendFileSync, readFileSync } from "node:fs";
import S3rver from "s3rver";

/** What the parent passes as the one argument, as JSON; the server exits when the parent closes its stdin (or dies). */
interface Settings {
  readonly directory: string;
  readonly keyFile: string;
  readonly certFile: string;
  readonly bucket: string;
  /** Gets `METHOD URL` for every request, written before the request is handled. */
  readonly requestLog: string;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as Settings;
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory: settings.directory,
  key: readFileSync(settings.keyFile),
  cert: readFileSync(settings.certFile),
  configureBuckets: [{ name: settings.bucket }],
});
const { port } = await server.run();
server.httpServer.prependListener("request", (request) => appendFileSync(settings.requestLog, `${request.method} ${request.url}\n`));
process.stdin.on("end", () => process.exit(0)).resume();
process.stdout.write(`${JSON.stringify({ port })}\n`);
