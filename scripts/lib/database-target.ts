import pg from "pg";
import { readSecret, type Env } from "./secrets.js";
import { ConnectionError, openClient, sslFromMode } from "./pg-client.js";

/** Where the database is, as libpq variables for child processes and as a pg client config; `description` never holds the password. */
export interface DatabaseTarget {
  /** PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and PGSSLMODE for pg_dump, psql and friends (never argv). */
  readonly libpqEnv: Readonly<Record<string, string>>;
  readonly database: string;
  /** `user@host:port/database`, safe to print. */
  readonly description: string;
}

/** Reads DATABASE_URL (or DATABASE_URL_FILE), else PGHOST, PGPORT, PGUSER, PGPASSWORD (or PGPASSWORD_FILE), PGDATABASE, PGSSLMODE. */
export function databaseFromEnv(env: Env): DatabaseTarget {
  const url = readSecret(env, "DATABASE_URL");
  const fields: Record<string, string | undefined> = url === undefined ? fieldsFromPgEnv(env) : fieldsFromUrl(url);
  const libpqEnv = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
  const host = libpqEnv["PGHOST"] ?? "localhost";
  const port = libpqEnv["PGPORT"] ?? "5432";
  const user = libpqEnv["PGUSER"] ?? "postgres";
  const database = libpqEnv["PGDATABASE"] ?? user;
  return { libpqEnv: { PGHOST: host, PGPORT: port, PGUSER: user, ...libpqEnv, PGDATABASE: database }, database, description: `${user}@${host}:${port}/${database}` };
}

function fieldsFromUrl(url: string): Record<string, string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectionError("DATABASE_URL is not a URL; expected postgresql://user:password@host:port/database");
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new ConnectionError(`DATABASE_URL: got scheme '${parsed.protocol}'; expected postgresql: or postgres:`);
  return {
    PGHOST: decodeURIComponent(parsed.hostname) || parsed.searchParams.get("host") || undefined,
    PGPORT: parsed.port || undefined,
    PGUSER: decodeURIComponent(parsed.username) || undefined,
    PGPASSWORD: decodeURIComponent(parsed.password) || undefined,
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
    PGSSLMODE: parsed.searchParams.get("sslmode") ?? undefined,
  };
}

function fieldsFromPgEnv(env: Env): Record<string, string | undefined> {
  if (!env["PGHOST"]) throw new ConnectionError("no database given: set DATABASE_URL (or DATABASE_URL_FILE), or PGHOST with PGUSER, PGDATABASE and PGPASSWORD (or PGPASSWORD_FILE)");
  const port = env["PGPORT"];
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) throw new ConnectionError(`PGPORT: got '${port}'; expected a port number 1-65535`);
  return { PGHOST: env["PGHOST"], PGPORT: port, PGUSER: env["PGUSER"], PGPASSWORD: readSecret(env, "PGPASSWORD"), PGDATABASE: env["PGDATABASE"], PGSSLMODE: env["PGSSLMODE"] };
}

/** The same server with another database. */
export function withDatabase(target: DatabaseTarget, database: string): DatabaseTarget {
  return { libpqEnv: { ...target.libpqEnv, PGDATABASE: database }, database, description: target.description.replace(/\/[^/]*$/, `/${database}`) };
}

/** Opens a pg connection to the target; failures name the target and never the password. */
export function connect(target: DatabaseTarget, applicationName: string): Promise<pg.Client> {
  const e = target.libpqEnv;
  return openClient(
    {
      host: e["PGHOST"],
      port: Number(e["PGPORT"]),
      user: e["PGUSER"],
      database: e["PGDATABASE"],
      ...(e["PGPASSWORD"] !== undefined && { password: e["PGPASSWORD"] }),
      ssl: sslFromMode(e["PGSSLMODE"]),
      application_name: applicationName,
    },
    target.description,
  );
}
