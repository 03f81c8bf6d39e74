import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { requireBinary } from "./binaries.js";
import { freePort } from "../../scripts/lib/free-port.js";

/** A throwaway Redis server started by a test suite, with its data in a temporary directory. */
export interface RedisServer {
  readonly port: number;
  readonly password: string;
  /** redis://:password@127.0.0.1:port/0 */
  readonly url: string;
  readonly dataDir: string;
  /** A connected client; closed by stop(). */
  client(): Promise<Redis>;
  /** Stops the server (SHUTDOWN NOSAVE, so the files stay as they were). */
  shutdown(): Promise<void>;
  /** Starts it again on the same directory and port, with `appendonly` as given. */
  start(appendonly: boolean): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const PASSWORD = "test-redis-password-123";

/** Starts redis-server on a free port, AOF on or off, no automatic RDB saves; owned by `owner` when given (uid/gid). */
export async function startRedis(appendonly: boolean, owner?: { uid: number; gid: number }): Promise<RedisServer> {
  const binary = requireBinary("redis-server", "redis-server");
  requireBinary("redis-check-rdb", "redis-tools");
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "redis-test-"));
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  let child: ChildProcess | undefined;
  const clients: Redis[] = [];
  const connect = async (): Promise<Redis> => {
    const client = new Redis({ port, host: "127.0.0.1", password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on("error", () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  };
  const start = async (aof: boolean): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir, "--requirepass", PASSWORD, "--appendonly", aof ? "yes" : "no", "--save", "", "--daemonize", "no", "--logfile", join(dataDir, "redis.log")];
    child = spawn(binary, args, { stdio: "ignore", ...(owner && { uid: owner.uid, gid: owner.gid }) });
    for (let attempt = 0; ; attempt++) {
      try {
        const probe = await connect();
        if ((await probe.ping()) === "PONG" && (await probe.info("persistence")).includes("loading:0")) return;
      } catch {
        if (attempt > 100) throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const shutdown = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    (await connect()).call("SHUTDOWN", "NOSAVE").catch(() => undefined);
    await exited;
    for (const c of clients.splice(0)) c.disconnect();
  };
  const killNow = (): void => {
    child?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", killNow);
  await start(appendonly);
  return {
    port,
    password: PASSWORD,
    url: `redis://:${PASSWORD}@127.0.0.1:${port}/0`,
    dataDir,
    client: connect,
    shutdown,
    start,
    async stop() {
      await shutdown();
      process.removeListener("exit", killNow);
      killNow();
    },
  };
}
