import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";

const INIT = ["sql/init/99-jwt.sql", "sql/init/99-roles.sql"].map((f) => join(REPO_ROOT, f));

describe("first-boot init scripts on a real PostgreSQL", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  const psql = (url: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(join(pg.binDir, "psql"), ["-X", "-q", "-At", "-d", url, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

  function freshDatabase(): { url: string; database: string } {
    const url = pg.createDatabase("init");
    const database = new URL(url).pathname.slice(1);
    const setup = psql(url, ["-c", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN CREATE ROLE authenticator LOGIN NOINHERIT; CREATE ROLE supabase_auth_admin LOGIN; END IF; END $$"]);
    expect(setup.stderr).toBe("");
    return { url, database };
  }

  const runInit = (url: string, env: Record<string, string>) => psql(url, ["-v", "ON_ERROR_STOP=1", ...INIT.flatMap((f) => ["-f", f])], env);
  const loginAs = (role: string, password: string, database: string) =>
    psql(`postgresql://${role}@127.0.0.1:${pg.port}/${database}`, ["-c", "select current_user"], { PGPASSWORD: password });

  it("sets the role passwords from the environment and records the JWT lifetime", () => {
    const { url, database } = freshDatabase();
    const run = runInit(url, { JWT_EXP: "3600", AUTHENTICATOR_PASSWORD: "a1b2c3d4e5f6", SUPABASE_AUTH_ADMIN_PASSWORD: "f6e5d4c3b2a1" });
    expect(run.status, run.stderr).toBe(0);
    expect(loginAs("authenticator", "a1b2c3d4e5f6", database).stdout.trim()).toBe("authenticator");
    expect(loginAs("supabase_auth_admin", "f6e5d4c3b2a1", database).stdout.trim()).toBe("supabase_auth_admin");
    expect(loginAs("authenticator", "wrong", database).status).not.toBe(0);
    expect(psql(url, ["-c", "select setconfig::text from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = 'postgres'"]).stdout).toContain("app.settings.jwt_exp=3600");
  });

  it("refuses to run with an empty password, leaving the passwords as they were", () => {
    const { url, database } = freshDatabase();
    expect(runInit(url, { JWT_EXP: "3600", AUTHENTICATOR_PASSWORD: "first-pass-1234", SUPABASE_AUTH_ADMIN_PASSWORD: "second-pass-1234" }).status).toBe(0);
    const run = runInit(url, { JWT_EXP: "3600", AUTHENTICATOR_PASSWORD: "", SUPABASE_AUTH_ADMIN_PASSWORD: "other-pass-5678" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/AUTHENTICATOR_PASSWORD and SUPABASE_AUTH_ADMIN_PASSWORD must be set/);
    expect(loginAs("supabase_auth_admin", "second-pass-1234", database).status).toBe(0);
  });

  it("refuses a JWT lifetime that is not a whole number", () => {
    const { url } = freshDatabase();
    const run = runInit(url, { JWT_EXP: "1h", AUTHENTICATOR_PASSWORD: "x1234567", SUPABASE_AUTH_ADMIN_PASSWORD: "y1234567" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/JWT_EXP must be a whole number of seconds/);
  });

  it("never writes a password to the server log", () => {
    const { url } = freshDatabase();
    expect(runInit(url, { JWT_EXP: "60", AUTHENTICATOR_PASSWORD: "log-canary-7e1f9a", SUPABASE_AUTH_ADMIN_PASSWORD: "log-canary-2b8c4d" }).status).toBe(0);
    const log = spawnSync("cat", [pg.logFile], { encoding: "utf8" }).stdout;
    expect(log).not.toContain("log-canary");
  });
});
