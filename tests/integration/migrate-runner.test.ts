import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATION_LOCK_KEY } from "../../scripts/migrate/lock.js";
import { queryRows, startPostgres, withClient, type PostgresServer } from "../support/postgres.js";
import { bootstrapDatabase, migrate, migrationText, snapshot, tempMigrationsFolders } from "./database-helpers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.stop());

const tempMigrations = tempMigrationsFolders();

const ledger = (url: string): Promise<{ version: string }[]> => queryRows(url, "SELECT version FROM migration_runner.ledger ORDER BY version");
const audit = (url: string): Promise<{ command: string; result: string; migrations: string[]; error: string | null }[]> =>
  queryRows(url, "SELECT command, result, migrations, error FROM migration_runner.audit_log ORDER BY id");

describe("up", () => {
  it("applies the repository's migrations once; a second run is a no-op; both runs are audited", async () => {
    const url = server.createDatabase("twice");
    await bootstrapDatabase(url);
    const first = await migrate(url, ["up"]);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/up: applying 4 migration\(s\)[\s\S]*applied \d{14}_tenancy \(\d+ ms\)[\s\S]*up: done, 4 applied/);
    const afterFirst = await snapshot(url);
    const second = await migrate(url, ["up"]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("up: nothing to apply (4 applied)");
    expect(await snapshot(url)).toEqual(afterFirst);
    const ledgerRows = await queryRows<{ applied_by: string; duration_ms: number; checksum: string }>(url, "SELECT applied_by, duration_ms, checksum FROM migration_runner.ledger");
    expect(ledgerRows).toHaveLength(4);
    expect(ledgerRows.every((r) => r.applied_by === "vitest" && r.duration_ms >= 0 && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect((await audit(url)).map((a) => [a.command, a.result, a.migrations.length])).toEqual([
      ["up", "success", 4],
      ["up", "noop", 0],
    ]);
  });

  it("two concurrent runners apply each migration exactly once", async () => {
    const url = server.createDatabase("concurrent");
    const files: Record<string, string> = { "20260101000000_log.sql": migrationText("CREATE TABLE IF NOT EXISTS public.applied (version text NOT NULL);") };
    for (let i = 1; i <= 12; i++) {
      const version = `202601010000${String(i).padStart(2, "0")}`;
      files[`${version}_step.sql`] = migrationText(`SELECT pg_sleep(0.03);\nINSERT INTO public.applied (version) VALUES ('${version}');`);
    }
    const { dir } = tempMigrations(files);
    const [a, b] = await Promise.all([migrate(url, ["up", "--dir", dir]), migrate(url, ["up", "--dir", dir])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([a.out, b.out].filter((out) => out.includes("nothing to apply"))).toHaveLength(1);
    expect(a.err + b.err).toMatch(/waiting up to 60s for the migration lock held by backend pid \d+ \(db-migrate up/);
    const applied = await queryRows<{ version: string; n: number }>(url, "SELECT version, count(*)::int AS n FROM public.applied GROUP BY version");
    expect(applied).toHaveLength(12);
    expect(applied.every((r) => r.n === 1)).toBe(true);
    expect(await ledger(url)).toHaveLength(13);
  });

  it("a failing migration leaves schema and ledger as they were and names file, line and the server's message", async () => {
    const url = server.createDatabase("failing");
    const { dir } = tempMigrations({
      "20260101000001_good.sql": migrationText("CREATE TABLE IF NOT EXISTS public.kept (id int);"),
      "20260101000002_bad.sql": migrationText("CREATE TABLE IF NOT EXISTS public.half (id int);\nINSERT INTO public.half VALUES (1);\n\nSELECT * FROM public.missing_table;"),
      "20260101000003_after.sql": migrationText("CREATE TABLE IF NOT EXISTS public.never (id int);"),
    });
    expect((await migrate(url, ["up", "--dir", dir, "--to", "20260101000001"])).code).toBe(0);
    const before = await snapshot(url);
    const failed = await migrate(url, ["up", "--dir", dir]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/20260101000002_bad\.sql:5: ERROR: relation "public\.missing_table" does not exist \(SQLSTATE 42P01\)/);
    expect(await snapshot(url)).toEqual(before);
    expect(await ledger(url)).toEqual([{ version: "20260101000001" }]);
    expect((await audit(url)).at(-1)).toMatchObject({ command: "up", result: "failure", migrations: ["20260101000002"] });
    expect((await audit(url)).at(-1)?.error).toContain("missing_table");
  });

  it("traces every kind of error to its statement: syntax, unknown names, and errors the server gives no position for", async () => {
    const url = server.createDatabase("located");
    const cases = [
      ["SELECT 1;\nSELEC 2;", 3, "syntax error at or near \"SELEC\" (SQLSTATE 42601)"],
      ["CREATE TABLE IF NOT EXISTS public.t (id int);\nINSERT INTO public.t VALUES (1);\nINSERT INTO public.t\n  VALUES (1 / 0);", 4, "division by zero (SQLSTATE 22012)"],
      ["DO $$\nBEGIN\n  RAISE EXCEPTION 'custom failure';\nEND\n$$;", 2, "custom failure (SQLSTATE P0001)"],
    ] as const;
    for (const [sql, line, message] of cases) {
      const { dir } = tempMigrations({ "20260101000001_fails.sql": migrationText(sql) });
      const run = await migrate(url, ["up", "--dir", dir]);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`20260101000001_fails.sql:${line}: ERROR: ${message}`);
    }
    expect(await queryRows(url, "SELECT to_regclass('public.t') AS t")).toEqual([{ t: null }]);
  });

  it("refuses to start when an applied migration was edited, and verify reports the drift", async () => {
    const url = server.createDatabase("drift");
    const made = tempMigrations({ "20260101000001_one.sql": migrationText("CREATE TABLE IF NOT EXISTS public.one (id int);", "DROP TABLE IF EXISTS public.one;") });
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
    expect((await migrate(url, ["verify", "--dir", made.dir])).code).toBe(0);
    made.write("20260101000001_one.sql", migrationText("CREATE TABLE IF NOT EXISTS public.one (id bigint);", "DROP TABLE IF EXISTS public.one;"));
    made.write("20260101000002_two.sql", migrationText("CREATE TABLE IF NOT EXISTS public.two (id int);"));
    const verify = await migrate(url, ["verify", "--dir", made.dir]);
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(/drift in 1 applied migration\(s\)[\s\S]*20260101000001_one\.sql changed after it was applied/);
    const json = JSON.parse((await migrate(url, ["verify", "--json", "--dir", made.dir])).out);
    expect(json).toMatchObject({ ok: false, checked: 1, drift: [{ version: "20260101000001", kind: "changed" }] });
    const up = await migrate(url, ["up", "--dir", made.dir]);
    expect(up.code).toBe(1);
    expect(up.err).toContain("refusing to apply migrations");
    expect(await ledger(url)).toEqual([{ version: "20260101000001" }]);
    expect((await audit(url)).at(-1)).toMatchObject({ result: "refused" });
    const down = await migrate(url, ["down", "--dir", made.dir]);
    expect(down.code).toBe(1);
    expect(down.err).toContain("changed after it was applied; its down part may not undo what ran");
  });

  it("refuses a pending file older than the newest applied one unless --allow-out-of-order", async () => {
    const url = server.createDatabase("order");
    const made = tempMigrations({ "20260101000002_newer.sql": migrationText("SELECT 2;") });
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
    made.write("20260101000001_older.sql", migrationText("SELECT 1;"));
    const refused = await migrate(url, ["up", "--dir", made.dir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("20260101000001_older.sql is older than the newest applied migration 20260101000002");
    const plan = JSON.parse((await migrate(url, ["plan", "--json", "--dir", made.dir])).out);
    expect(plan.refusals).toHaveLength(1);
    expect((await migrate(url, ["up", "--allow-out-of-order", "--dir", made.dir])).code).toBe(0);
    expect(await ledger(url)).toHaveLength(2);
  });

  it("runs a no-transaction migration outside a transaction and records it only when it succeeded", async () => {
    const url = server.createDatabase("notx");
    const made = tempMigrations({
      "20260101000001_table.sql": migrationText("CREATE TABLE IF NOT EXISTS public.items (id int, v int);", "DROP TABLE IF EXISTS public.items;"),
      "20260101000002_index.sql": migrationText(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS items_v_idx ON public.items (v);",
        "DROP INDEX CONCURRENTLY IF EXISTS public.items_v_idx;",
        { noTransaction: true },
      ),
      "20260101000003_unique.sql": migrationText("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_id_key ON public.items (id);", undefined, { noTransaction: true }),
    });
    await queryRows(url, "CREATE TABLE IF NOT EXISTS public.items (id int, v int)");
    await queryRows(url, "INSERT INTO public.items VALUES (1, 1), (1, 2)");
    const run = await migrate(url, ["up", "--dir", made.dir]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/20260101000003_unique\.sql:3: ERROR: could not create unique index "items_id_key"[\s\S]*may be left INVALID/);
    expect(await ledger(url)).toEqual([{ version: "20260101000001" }, { version: "20260101000002" }]);
    expect(await queryRows(url, "SELECT indexrelid::regclass::text AS name, indisvalid AS valid FROM pg_index WHERE indrelid = 'public.items'::regclass ORDER BY 1")).toEqual([
      { name: "items_id_key", valid: false },
      { name: "items_v_idx", valid: true },
    ]);
    const down = await migrate(url, ["down", "--dir", made.dir]);
    expect(down.code).toBe(0);
    expect(await ledger(url)).toEqual([{ version: "20260101000001" }]);
  });
});

describe("down", () => {
  it("down then up gives back the same catalog", async () => {
    const url = server.createDatabase("roundtrip");
    await bootstrapDatabase(url);
    expect((await migrate(url, ["up"])).code).toBe(0);
    const applied = await snapshot(url);
    const dry = await migrate(url, ["down", "--steps", "4", "--dry-run"]);
    expect(dry.out).toMatch(/would revert 4 migration\(s\), newest first\n {2}\d{14}_domain_events_organization_index\n {6}\| DROP INDEX CONCURRENTLY/);
    expect(await snapshot(url)).toEqual(applied);
    const down = await migrate(url, ["down", "--steps", "4"]);
    expect(down.code).toBe(0);
    expect(down.out).toContain("down: done, 4 reverted");
    const empty = await snapshot(url);
    expect([...empty.keys()].filter((k) => /public\.(organizations|domain_events)|schema app/.test(k))).toEqual([]);
    expect((await migrate(url, ["up"])).code).toBe(0);
    expect(await snapshot(url)).toEqual(applied);
  });

  it("refuses, before changing anything, when a migration has no down part", async () => {
    const url = server.createDatabase("nodown");
    const made = tempMigrations({
      "20260101000001_with_down.sql": migrationText("CREATE TABLE IF NOT EXISTS public.a (id int);", "DROP TABLE IF EXISTS public.a;"),
      "20260101000002_without_down.sql": migrationText("CREATE TABLE IF NOT EXISTS public.b (id int);"),
    });
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
    const run = await migrate(url, ["down", "--steps", "2", "--dir", made.dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("20260101000002_without_down.sql has no down part");
    expect(await ledger(url)).toHaveLength(2);
  });
});

describe("the migration lock", () => {
  it("a runner that cannot get the lock in time exits 3 naming the holder, and changes nothing", async () => {
    const url = server.createDatabase("locked");
    const made = tempMigrations({ "20260101000001_one.sql": migrationText("CREATE TABLE IF NOT EXISTS public.one (id int);") });
    expect((await migrate(url, ["up", "--dir", made.dir, "--to", "20260101000001"])).code).toBe(0);
    made.write("20260101000002_two.sql", migrationText("CREATE TABLE IF NOT EXISTS public.two (id int);"));
    await withClient({ connectionString: url, application_name: "db-migrate up (another operator)" }, async (holder) => {
      await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
      const started = Date.now();
      const run = await migrate(url, ["up", "--dir", made.dir, "--lock-timeout", "300ms"]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(run.code).toBe(3);
      expect(run.err).toMatch(/waiting up to 300ms for the migration lock held by backend pid \d+ \(db-migrate up \(another operator\)/);
      expect(run.err).toContain("gave up after --lock-timeout 300ms. Nothing was changed");
      const immediate = await migrate(url, ["up", "--dir", made.dir, "--lock-timeout", "0"]);
      expect(immediate.code).toBe(3);
    });
    expect(await ledger(url)).toEqual([{ version: "20260101000001" }]);
    expect((await audit(url)).at(-1)).toMatchObject({ result: "failure" });
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
  });

  it("the audit log refuses UPDATE, DELETE and TRUNCATE", async () => {
    const url = server.createDatabase("audit");
    const made = tempMigrations({ "20260101000001_one.sql": migrationText("SELECT 1;") });
    expect((await migrate(url, ["up", "--dir", made.dir])).code).toBe(0);
    for (const statement of ["UPDATE migration_runner.audit_log SET result = 'noop'", "DELETE FROM migration_runner.audit_log", "TRUNCATE migration_runner.audit_log"]) {
      await expect(queryRows(url, statement)).rejects.toThrow("migration_runner.audit_log is append-only");
    }
  });
});
