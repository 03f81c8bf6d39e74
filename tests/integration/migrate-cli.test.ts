import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBackupCli } from "../../scripts/migrate/backup.js";
import { parseMigration } from "../../scripts/migrate/migration-file.js";
import { queryRows, startPostgres, type PostgresServer } from "../support/postgres.js";
import { migrate, migrationText, runScript, tempMigrationsFolders } from "./database-helpers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.stop());

const tempMigrations = tempMigrationsFolders();

const COMMANDS = ["new", "status", "plan", "up", "down", "verify", "lint"];

describe("db:migrate command line", () => {
  it("--help for the tool and for every command", async () => {
    const top = await migrate(server.url, ["--help"]);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) {
      expect(top.out).toContain(`  ${command}`);
      const help = await migrate(server.url, [command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out).toContain(`npm run db:migrate -- ${command}`);
    }
  });

  it.each([
    [["sideways"], "unknown command 'sideways'; expected one of new, status, plan, up, down, verify, lint"],
    [["up", "--to", "yesterday"], "up: --to: got 'yesterday'; expected a migration version: 14 digits yyyymmddhhmmss"],
    [["up", "--to", "20991231235959"], "--to: got '20991231235959'; expected the version of a migration file"],
    [["up", "--lock-timeout", "forever"], "up: --lock-timeout: got 'forever'; expected a duration such as 500ms, 30s or 2m"],
    [["down", "--steps", "0"], "down: --steps: got '0'; expected a whole number of at least 1"],
    [["down", "--all"], "down: unknown flag --all; allowed flags: --backup-before, --dry-run, --help, --dir, --lock-timeout, --steps"],
    [["status", "--json=yes"], "status: --json takes no value (got 'yes')"],
    [["lint", "--exposed-schemas", "Public;drop"], "lint: --exposed-schemas: got 'Public;drop'; expected a comma-separated list of schema names"],
    [["new", "Add Table"], "new: name 'Add Table' is not allowed"],
    [["new"], "new: missing <name>"],
  ])("%j is refused with exit 2 before anything happens", async (argv, message) => {
    const url = server.createDatabase("flags");
    const run = await migrate(url, argv);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(await queryRows(url, "SELECT to_regclass('migration_runner.ledger') AS ledger")).toEqual([{ ledger: null }]);
  });

  it("new writes a UTC-timestamped file with up and down sections that the runner accepts", async () => {
    const made = tempMigrations({});
    const run = await migrate(server.url, ["new", "add_notes", "--dir", made.dir]);
    expect(run.code).toBe(0);
    const [file] = readdirSync(made.dir);
    expect(file).toMatch(/^\d{14}_add_notes\.sql$/);
    const stamp = file!.slice(0, 14);
    const written = Date.parse(stamp.replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, "$1-$2-$3T$4:$5:$6Z"));
    expect(Math.abs(Date.now() - written)).toBeLessThan(5000);
    const content = readFileSync(join(made.dir, file!), "utf8");
    expect(content).toMatch(/^-- migrate:up\n[\s\S]*-- migrate:down\n/);
    expect(parseMigration(file!, content).version).toBe(stamp);
  });

  it("status, plan and verify print JSON for machines", async () => {
    const url = server.createDatabase("json");
    const made = tempMigrations({
      "20260101000001_one.sql": migrationText("CREATE TABLE IF NOT EXISTS public.one (id int);", "DROP TABLE IF EXISTS public.one;"),
      "20260101000002_two.sql": migrationText("CREATE TABLE IF NOT EXISTS public.two (id int);\nCREATE TABLE IF NOT EXISTS public.three (id int);"),
    });
    const before = JSON.parse((await migrate(url, ["status", "--json", "--dir", made.dir])).out);
    expect(before).toMatchObject({ applied: [], drift: [], outOfOrder: [] });
    expect(before.pending.map((p: { version: string }) => p.version)).toEqual(["20260101000001", "20260101000002"]);
    const plan = JSON.parse((await migrate(url, ["plan", "--json", "--to", "20260101000001", "--dir", made.dir])).out);
    expect(plan.pending).toEqual([
      {
        version: "20260101000001",
        name: "one",
        file: join(made.dir, "20260101000001_one.sql"),
        checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
        transactional: true,
        sql: "CREATE TABLE IF NOT EXISTS public.one (id int);",
      },
    ]);
    expect(plan.refusals).toEqual([]);
    const text = await migrate(url, ["plan", "--dir", made.dir]);
    expect(text.out).toMatch(/2 migration\(s\) to apply\n {2}20260101000001_one {2}sha256 [0-9a-f]{64} {2}in a transaction {2}1 statement\(s\)\n {6}\| CREATE TABLE/);
    expect(await queryRows(url, "SELECT to_regclass('migration_runner.ledger') AS ledger")).toEqual([{ ledger: null }]);
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
    const after = JSON.parse((await migrate(url, ["status", "--json", "--dir", made.dir])).out);
    expect(after.applied.map((a: { version: string; appliedBy: string }) => [a.version, a.appliedBy])).toEqual([
      ["20260101000001", "vitest"],
      ["20260101000002", "vitest"],
    ]);
    expect(JSON.parse((await migrate(url, ["verify", "--json", "--dir", made.dir])).out)).toMatchObject({ ok: true, checked: 2, drift: [] });
  });

  it("--backup-before fails clearly when the backup CLI is not in the checkout", () => {
    expect(() => requireBackupCli("/nonexistent/scripts/backup.ts")).toThrow(
      "--backup-before: the backup CLI (scripts/backup.ts, 'npm run backup -- logical') is not in this checkout",
    );
  });

  it("runs as its own process: exit codes, messages on stderr, and the password never printed", () => {
    const made = tempMigrations({ "20260101000001_bad.sql": migrationText("SELECT 1;\nSELECT no_such_function();") });
    const url = server.createDatabase("process");
    const failed = runScript("scripts/db-migrate.ts", ["up", "--dir", made.dir], { DATABASE_URL: url });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("20260101000001_bad.sql:3: ERROR: function no_such_function() does not exist (SQLSTATE 42883)");
    const noDatabase = runScript("scripts/db-migrate.ts", ["status", "--dir", made.dir], {});
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.err).toContain("no database given: set DATABASE_URL");
    const badPassword = runScript("scripts/db-migrate.ts", ["status", "--dir", made.dir], {
      PGHOST: "127.0.0.1",
      PGPORT: String(server.port),
      PGUSER: "nobody",
      PGPASSWORD: "hunter2-secret",
      PGDATABASE: "postgres",
    });
    expect(badPassword.code).toBe(1);
    expect(badPassword.err).toContain(`cannot connect to nobody@127.0.0.1:${server.port}/postgres`);
    expect(badPassword.err + badPassword.out).not.toContain("hunter2-secret");
  });
});
