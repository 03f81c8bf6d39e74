import pg from "pg";
import { readSecret, type Env } from "../lib/secrets.js";
import { ConnectionError, openClient, sslFromMode } from "../lib/pg-client.js";

/** How to reach the database, and a description of it that never holds the password. */
export interface ConnectionTarget {
  readonly config: pg.ClientConfig;
  /** `user@host:port/database`, safe to print. */
  readonly description: string;
}

/** Reads the target from DATABASE_URL (or DATABASE_URL_FILE), else from PGHOST, PGPORT, PGUSER, PGPASSWORD (or PGPASSWORD_FILE), PGDATABASE, PGSSLMODE. */
export function targetFromEnv(env: Env, applicationName: string): ConnectionTarget {
  const url = readSecret(env, "DATABASE_URL");
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConnectionError("DATABASE_URL is not a URL; expected postgresql://user:password@host:port/database");
    }
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new ConnectionError(`DATABASE_URL: got scheme '${parsed.protocol}'; expected postgresql: or postgres:`);
    const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
    const description = `${decodeURIComponent(parsed.username) || "(default user)"}@${host}:${parsed.port || 5432}${parsed.pathname || "/"}`;
    return { config: { connectionString: url, application_name: applicationName }, description };
  }
  const host = env["PGHOST"];
  if (!host) throw new ConnectionError("no database given: set DATABASE_URL (or DATABASE_URL_FILE), or PGHOST with PGUSER, PGDATABASE and PGPASSWORD (or PGPASSWORD_FILE)");
  const port = Number(env["PGPORT"] ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConnectionError(`PGPORT: got '${env["PGPORT"]}'; expected a port number 1-65535`);
  const user = env["PGUSER"] ?? "postgres";
  const database = env["PGDATABASE"] ?? user;
  const password = readSecret(env, "PGPASSWORD");
  return {
    config: { host, port, user, database, ...(password !== undefined && { password }), ssl: sslFromMode(env["PGSSLMODE"]), application_name: applicationName },
    description: `${user}@${host}:${port}/${database}`,
  };
}

/** The same target with another database on the same server. */
export function withDatabase(target: ConnectionTarget, database: string): ConnectionTarget {
  const description = target.description.replace(/\/[^/]*$/, `/${database}`);
  if (target.config.connectionString) {
    const url = new URL(target.config.connectionString);
    url.pathname = `/${encodeURIComponent(database)}`;
    return { config: { ...target.config, connectionString: url.toString() }, description };
  }
  return { config: { ...target.config, database }, description };
}

/** Opens a connection, turning failures into a ConnectionError that names the target. */
export function connect(target: ConnectionTarget): Promise<pg.Client> {
  return openClient(target.config, target.description);
}
