import pg from "pg";

/** Raised when the database settings are wrong or the server cannot be reached; the message never holds a password. */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
}

/** node-postgres TLS settings for a libpq PGSSLMODE. */
export function sslFromMode(mode: string | undefined): pg.ClientConfig["ssl"] {
  if (mode === undefined || mode === "disable" || mode === "allow" || mode === "prefer") return undefined;
  if (mode === "require") return { rejectUnauthorized: false };
  if (mode === "verify-ca" || mode === "verify-full") return { rejectUnauthorized: true };
  throw new ConnectionError(`PGSSLMODE: got '${mode}'; expected one of disable, allow, prefer, require, verify-ca, verify-full`);
}

/** Opens a connection, turning failures into a ConnectionError that names the target (`description`). */
export async function openClient(config: pg.ClientConfig, description: string): Promise<pg.Client> {
  const client = new pg.Client(config);
  // A dropped connection also fails the pending query, which reports it; unheard, this event would crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new ConnectionError(`cannot connect to ${description}: ${(error as Error).message}`);
  }
  return client;
}
