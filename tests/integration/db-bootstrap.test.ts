import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap, BOOTSTRAP_DIR } from "../../scripts/migrate/bootstrap.js";
import { scramParameters, scramVerifier } from "../../scripts/migrate/scram.js";
import { queryRows, startPostgres, withClient, type PostgresServer } from "../support/postgres.js";
import { runScript, snapshot } from "./database-helpers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres({ settings: { log_statement: "all", log_min_error_statement: "error" } });
});
afterAll(async () => server?.stop());

const PASSWORDS = { authenticator: "auth3nticator-pw", supabase_auth_admin: "gotrue-admin-pw", supabase_admin: "supa-admin-pw" };
const passwordMap = (overrides: Partial<typeof PASSWORDS> = {}): Map<string, string> => new Map(Object.entries({ ...PASSWORDS, ...overrides }));

async function login(user: string, password: string, database = "postgres"): Promise<string> {
  return withClient({ host: "127.0.0.1", port: server.port, user, password, database }, async (c) => (await c.query<{ u: string }>("SELECT current_user AS u")).rows[0]!.u);
}

describe("sql/bootstrap on vanilla PostgreSQL", () => {
  it("a second run changes nothing: same catalog snapshot, nothing reported", async () => {
    const url = server.createDatabase("twice");
    const first = await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
    expect(first.changes.map((c) => c.object)).toEqual(expect.arrayContaining(["role anon", "schema auth", "publication supabase_realtime", "extension pgcrypto"]));
    const before = await snapshot(url);
    const second = await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
    expect(second.changes).toEqual([]);
    expect(second.notes.filter((n) => n.includes("password"))).toEqual([]);
    expect(await snapshot(url)).toEqual(before);
  });

  it("creates the roles, schemas, grants and publication the services expect", async () => {
    const url = server.createDatabase("shape");
    await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
    const roles = await queryRows<{ rolname: string; rolcanlogin: boolean; rolinherit: boolean; rolbypassrls: boolean; rolsuper: boolean }>(
      url,
      "SELECT rolname, rolcanlogin, rolinherit, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = ANY ($1) ORDER BY rolname",
      [["anon", "authenticated", "service_role", "authenticator", "supabase_admin", "supabase_auth_admin"]],
    );
    expect(roles).toEqual([
      { rolname: "anon", rolcanlogin: false, rolinherit: false, rolbypassrls: false, rolsuper: false },
      { rolname: "authenticated", rolcanlogin: false, rolinherit: false, rolbypassrls: false, rolsuper: false },
      { rolname: "authenticator", rolcanlogin: true, rolinherit: false, rolbypassrls: false, rolsuper: false },
      { rolname: "service_role", rolcanlogin: false, rolinherit: false, rolbypassrls: true, rolsuper: false },
      { rolname: "supabase_admin", rolcanlogin: true, rolinherit: true, rolbypassrls: true, rolsuper: true },
      { rolname: "supabase_auth_admin", rolcanlogin: true, rolinherit: false, rolbypassrls: false, rolsuper: false },
    ]);
    const granted = await queryRows<{ role: string }>(
      url,
      "SELECT r.rolname AS role FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = 'authenticator'::regrole ORDER BY 1",
    );
    expect(granted.map((g) => g.role)).toEqual(["anon", "authenticated", "service_role"]);
    const schemas = await queryRows<{ nspname: string; owner: string; api: boolean }>(
      url,
      `SELECT nspname, pg_get_userbyid(nspowner) AS owner, has_schema_privilege('anon', oid, 'USAGE') AS api
         FROM pg_namespace WHERE nspname IN ('auth', 'storage', 'realtime', '_realtime', 'extensions', 'graphql_public') ORDER BY 1`,
    );
    expect(schemas).toEqual([
      { nspname: "_realtime", owner: "supabase_admin", api: false },
      { nspname: "auth", owner: "supabase_auth_admin", api: true },
      { nspname: "extensions", owner: "supabase_admin", api: true },
      { nspname: "graphql_public", owner: "supabase_admin", api: true },
      { nspname: "realtime", owner: "supabase_admin", api: true },
      { nspname: "storage", owner: "supabase_storage_admin", api: true },
    ]);
    const extensions = await queryRows<{ extname: string; schema: string }>(url, "SELECT extname, extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1");
    expect(extensions).toEqual(expect.arrayContaining([{ extname: "pgcrypto", schema: "extensions" }, { extname: "uuid-ossp", schema: "extensions" }]));
    expect(await queryRows(url, "SELECT pubname, pg_get_userbyid(pubowner) AS owner FROM pg_publication")).toEqual([{ pubname: "supabase_realtime", owner: "supabase_admin" }]);
  });

  it("reports optional extensions this server lacks instead of failing", async () => {
    const url = server.createDatabase("extensions");
    const report = await withClient(url, (c) => bootstrap(c, { passwords: new Map() }));
    expect(report.notes).toContain("extension pg_graphql is not available on this server (optional, skipped)");
  });

  it("the service roles log in with the given passwords, and a changed password replaces the old one", async () => {
    const url = server.createDatabase("passwords");
    await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
    for (const [role, password] of Object.entries(PASSWORDS)) expect(await login(role, password)).toBe(role);

    const report = await withClient(url, (c) => bootstrap(c, { passwords: passwordMap({ authenticator: "rotated-pw" }) }));
    expect(report.notes).toContain("role authenticator: password set");
    expect(report.notes.filter((n) => n.endsWith("password set"))).toHaveLength(1);
    expect(await login("authenticator", "rotated-pw")).toBe("authenticator");
    await expect(login("authenticator", PASSWORDS.authenticator)).rejects.toThrow(/password authentication failed/);
    await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
  });

  it("creates the monitoring role as a pg_monitor member without superuser, logging in with its password", async () => {
    const url = server.createDatabase("monitor");
    await withClient(url, (c) => bootstrap(c, { passwords: new Map([...passwordMap(), ["supabase_monitor", "monitor-pw"]]) }));
    const [role] = await queryRows<{ rolcanlogin: boolean; rolsuper: boolean; monitor: boolean }>(
      url,
      "SELECT rolcanlogin, rolsuper, pg_has_role('supabase_monitor', 'pg_monitor', 'USAGE') AS monitor FROM pg_roles WHERE rolname = 'supabase_monitor'",
    );
    expect(role).toEqual({ rolcanlogin: true, rolsuper: false, monitor: true });
    const walFiles = await withClient({ host: "127.0.0.1", port: server.port, user: "supabase_monitor", password: "monitor-pw", database: "postgres" }, async (c) =>
      (await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_ls_waldir()")).rows[0]!.n,
    );
    expect(Number(walFiles)).toBeGreaterThan(0);
  });

  it("computes the same SCRAM verifier PostgreSQL stores", async () => {
    const stored = await withClient(server.url, async (c) => {
      await c.query("DROP ROLE IF EXISTS scram_probe");
      await c.query("CREATE ROLE scram_probe PASSWORD 'Pr0be-password!'");
      return (await c.query<{ p: string }>("SELECT rolpassword AS p FROM pg_authid WHERE rolname = 'scram_probe'")).rows[0]!.p;
    });
    expect(scramVerifier("Pr0be-password!", scramParameters(stored)!)).toBe(stored);
  });

  it("plain psql applies the same files, with passwords as session settings from PGOPTIONS", async () => {
    const url = server.createDatabase("psql");
    const files = readdirSync(BOOTSTRAP_DIR).sort().flatMap((file) => ["-f", join(BOOTSTRAP_DIR, file)]);
    const run = spawnSync(join(server.binDir, "psql"), ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, ...files], {
      encoding: "utf8",
      env: { ...process.env, PGOPTIONS: "-c bootstrap.supabase_auth_admin_password=via-psql-pw" },
    });
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.status).toBe(0);
    expect(await login("supabase_auth_admin", "via-psql-pw")).toBe("supabase_auth_admin");
    await withClient(url, (c) => bootstrap(c, { passwords: passwordMap() }));
  });

  it("rolls everything back when a file fails, naming file and line", async () => {
    const url = server.createDatabase("broken");
    const dir = mkdtempSync(join(tmpdir(), "bootstrap-"));
    try {
      for (const file of readdirSync(BOOTSTRAP_DIR)) copyFileSync(join(BOOTSTRAP_DIR, file), join(dir, file));
      writeFileSync(join(dir, "45-broken.sql"), "-- a deliberate failure\n\nSELECT 1 / 0;\n");
      const before = await snapshot(url);
      await expect(withClient(url, (c) => bootstrap(c, { passwords: new Map(), dir }))).rejects.toThrow(
        `${join(dir, "45-broken.sql")}:3: ERROR: division by zero (SQLSTATE 22012)`,
      );
      expect(await snapshot(url)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run db:bootstrap", () => {
  it("takes passwords from env and _FILE variables, prints the changes, and never shows or logs a password", async () => {
    const url = server.createDatabase("cli");
    const dir = mkdtempSync(join(tmpdir(), "secrets-"));
    try {
      writeFileSync(join(dir, "admin"), "from-a-file-pw\n");
      const env = { DATABASE_URL: url, AUTHENTICATOR_PASSWORD: "cli-authenticator-pw", SUPABASE_AUTH_ADMIN_PASSWORD_FILE: join(dir, "admin"), POSTGRES_PASSWORD: "cli-supabase-admin-pw" };
      const dry = runScript("scripts/db-bootstrap.ts", ["--dry-run"], env);
      expect(dry.code).toBe(0);
      expect(dry.out).toContain("(dry run, rolled back)");
      const first = runScript("scripts/db-bootstrap.ts", [], env);
      expect(first.err).toBe("");
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/^bootstrap of postgres@127\.0\.0\.1:\d+\/cli_\d+_\d+: changed \d+ object\(s\)/);
      expect(first.out).toContain("note: role supabase_auth_admin: password set");
      expect(await login("supabase_auth_admin", "from-a-file-pw")).toBe("supabase_auth_admin");
      const again = runScript("scripts/db-bootstrap.ts", ["--json"], env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.out)).toMatchObject({ changes: [], dryRun: false });
      const log = readFileSync(server.logFile, "utf8");
      expect(log).toContain("bootstrap.authenticator_password");
      for (const secret of ["cli-authenticator-pw", "from-a-file-pw", "cli-supabase-admin-pw"]) {
        expect(log).not.toContain(secret);
        expect(first.out + again.out).not.toContain(secret);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits non-zero with a clear message when passwords are missing, flags are wrong or the server is unreachable", () => {
    const missing = runScript("scripts/db-bootstrap.ts", [], { DATABASE_URL: server.url, AUTHENTICATOR_PASSWORD: "x" });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("missing role passwords: set SUPABASE_AUTH_ADMIN_PASSWORD (or SUPABASE_AUTH_ADMIN_PASSWORD_FILE), POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE)");
    const flag = runScript("scripts/db-bootstrap.ts", ["--force"], {});
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("db:bootstrap: unknown flag --force; allowed flags: --dry-run, --json, --help");
    const unreachable = runScript("scripts/db-bootstrap.ts", [], { ...PASSWORDS_ENV, DATABASE_URL: "postgresql://postgres:s3cret@127.0.0.1:1/postgres" });
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain("cannot connect to postgres@127.0.0.1:1/postgres");
    expect(unreachable.err).not.toContain("s3cret");
  });
});

const PASSWORDS_ENV = { AUTHENTICATOR_PASSWORD: "a", SUPABASE_AUTH_ADMIN_PASSWORD: "b", POSTGRES_PASSWORD: "c" };
