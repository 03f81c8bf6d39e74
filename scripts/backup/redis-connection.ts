import { Redis } from "ioredis";
import { readSecret, type Env } from "../lib/secrets.js";

/** How to reach Redis; `description` never holds the password. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password?: string;
  readonly username?: string;
  readonly tls: boolean;
  readonly description: string;
}

/** Reads REDIS_URL (redis:// or rediss://, password in it) or REDIS_HOST/REDIS_PORT, with REDIS_PASSWORD (or REDIS_PASSWORD_FILE) overriding. */
export function redisFromEnv(env: Env): RedisTarget {
  const url = readSecret(env, "REDIS_URL");
  const password = readSecret(env, "REDIS_PASSWORD");
  if (url === undefined) {
    const host = env["REDIS_HOST"];
    if (!host) throw new Error("no Redis given: set REDIS_URL (redis://:password@host:6379/0, or REDIS_URL_FILE) or REDIS_HOST, REDIS_PORT and REDIS_PASSWORD");
    const port = Number(env["REDIS_PORT"] ?? 6379);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`REDIS_PORT: got '${env["REDIS_PORT"]}'; expected a port number 1-65535`);
    return { host, port, db: 0, ...(password !== undefined && { password }), tls: false, description: `${host}:${port}` };
  }
  if (!URL.canParse(url) || !/^rediss?:$/.test(new URL(url).protocol)) throw new Error("REDIS_URL is not a redis:// or rediss:// URL");
  const parsed = new URL(url);
  const port = Number(parsed.port || 6379);
  const db = Number(parsed.pathname.slice(1) || 0);
  const fromUrl = decodeURIComponent(parsed.password) || undefined;
  const username = decodeURIComponent(parsed.username) || undefined;
  const secret = password ?? fromUrl;
  return {
    host: parsed.hostname,
    port,
    db,
    ...(secret !== undefined && { password: secret }),
    ...(username !== undefined && { username }),
    tls: parsed.protocol === "rediss:",
    description: `${parsed.hostname}:${port}`,
  };
}

/** An ioredis client that fails fast instead of retrying forever; errors surface through the commands that fail. */
export function redisClient(target: RedisTarget): Redis {
  const client = new Redis({
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.password !== undefined && { password: target.password }),
    ...(target.username !== undefined && { username: target.username }),
    ...(target.tls && { tls: {} }),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  client.on("error", () => undefined);
  return client;
}
