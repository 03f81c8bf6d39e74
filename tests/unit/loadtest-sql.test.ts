import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { type PostgresServer, startPostgres } from "../support/postgres.js";

const LOAD_TABLE = readFileSync(join(REPO_ROOT, "tests", "load", "sql", "load_table.sql"), "utf8");
/** The parts of a Supabase database the load table relies on: the API roles and GoTrue's auth.uid(). */
const SUPABASE_BASICS = `
  CREATE ROLE anon NOLOGIN;
  CREATE ROLE authenticated NOLOGIN;
  CREATE SCHEMA auth;
  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
  $$;
  GRANT USAGE ON SCHEMA auth TO anon, authenticated;
  GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated;
`;
const ALICE = "00000000-10ad-4000-8000-000000000001";
const BOB = "00000000-10ad-4000-8000-000000000002";

let server: PostgresServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(SUPABASE_BASICS);
  await client.query(LOAD_TABLE);
  await client.query(LOAD_TABLE);
}, 60_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

/** Runs statements as an API role with PostgREST's claims, rolled back afterwards. */
async function as<T>(role: "anon" | "authenticated", sub: string | undefined, statement: string, values: unknown[] = []): Promise<T[]> {
  await client.query("BEGIN");
  try {
    await client.query(`SELECT set_config('request.jwt.claims', $1, true), set_config('role', $2, true)`, [JSON.stringify(sub ? { sub, role } : { role }), role]);
    return (await client.query(statement, values)).rows as T[];
  } finally {
    await client.query("ROLLBACK");
  }
}

describe("tests/load/sql/load_table.sql", () => {
  it("applies twice without error and enables RLS", async () => {
    const { rows } = await client.query("SELECT relrowsecurity FROM pg_class WHERE oid = 'public.load_messages'::regclass");
    expect(rows).toEqual([{ relrowsecurity: true }]);
  });

  it("lets an authenticated user insert rows of their own, defaulting user_id to auth.uid()", async () => {
    const rows = await as<{ user_id: string }>("authenticated", ALICE, "INSERT INTO public.load_messages (room, body) VALUES ('room-1', 'hi') RETURNING user_id");
    expect(rows).toEqual([{ user_id: ALICE }]);
  });

  it("refuses a row for another user and any insert by anon", async () => {
    await expect(as("authenticated", ALICE, "INSERT INTO public.load_messages (user_id, room, body) VALUES ($1, 'room-1', 'x')", [BOB])).rejects.toThrow(/row-level security/);
    await expect(as("anon", undefined, "INSERT INTO public.load_messages (room, body) VALUES ('room-1', 'x')")).rejects.toThrow(/permission denied/);
  });

  it("lets anon and authenticated read, filtered as the REST load does", async () => {
    await client.query("INSERT INTO public.load_messages (user_id, room, body) VALUES ($1, 'room-2', 'seed')", [BOB]);
    const anon = await as<{ body: string }>("anon", undefined, "SELECT body FROM public.load_messages WHERE room = 'room-2'");
    expect(anon).toEqual([{ body: "seed" }]);
    const filtered = await as<{ body: string }>("authenticated", ALICE, "SELECT body FROM public.load_messages WHERE room = 'room-2' AND user_id = $1 ORDER BY created_at DESC LIMIT 20", [BOB]);
    expect(filtered).toEqual([{ body: "seed" }]);
  });
});
