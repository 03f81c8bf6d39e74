import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetFromEnv } from "../../scripts/migrate/connection.js";
import { CATALOG_RULES, DEFAULT_EXPOSED_SCHEMAS, type CatalogRule } from "../../scripts/migrate/lint-catalog.js";
import { lintInScratch } from "../../scripts/migrate/lint-scratch.js";
import { loadMigrations } from "../../scripts/migrate/migration-file.js";
import { queryRows, startPostgres, type PostgresServer } from "../support/postgres.js";
import { migrate } from "./database-helpers.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/migrations/", import.meta.url));

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.stop());

const scratchDatabases = (): Promise<unknown[]> => queryRows(server.url, "SELECT datname FROM pg_database WHERE datname LIKE 'migrate_lint_%'");

describe("catalog lint rules on a scratch database, each against a fixture that breaks only it", () => {
  it.each(Object.keys(CATALOG_RULES) as CatalogRule[])("%s", async (rule) => {
    const files = loadMigrations(`${FIXTURES}catalog-rules/${rule}`);
    const findings = await lintInScratch(targetFromEnv({ DATABASE_URL: server.url }, "test"), files, DEFAULT_EXPOSED_SCHEMAS);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set([rule]));
    expect(await scratchDatabases()).toEqual([]);
  });

  it("names the offending objects", async () => {
    const target = targetFromEnv({ DATABASE_URL: server.url }, "test");
    const rerun = await lintInScratch(target, loadMigrations(`${FIXTURES}catalog-rules/idempotent-rerun`), DEFAULT_EXPOSED_SCHEMAS);
    expect(rerun.map((f) => f.message)).toEqual([
      expect.stringMatching(/^fails when run a second time: .*20260101000000_seed_twice\.sql:6: ERROR: duplicate key value violates unique constraint "settings_pkey"/),
      expect.stringMatching(/^a second run changes the catalog: .*added table runs\.run_\d+/),
    ]);
    const definer = await lintInScratch(target, loadMigrations(`${FIXTURES}catalog-rules/definer-search-path`), DEFAULT_EXPOSED_SCHEMAS);
    expect(definer.map((f) => f.object)).toEqual(["function private.count_roles()"]);
  });
});

describe("db:migrate lint", () => {
  it("passes on the repository's migrations: files, then the catalog they produce", async () => {
    const run = await migrate(server.url, ["lint"]);
    expect(run.err).toBe("");
    expect(run.out).toMatch(/^lint: \d+ file\(s\), no findings$/);
    expect(run.code).toBe(0);
  });

  it("exits 1 listing file findings as file:line: [rule] and catalog findings by object", async () => {
    const files = await migrate(server.url, ["lint", "--files-only", "--dir", `${FIXTURES}file-rules/timestamptz`]);
    expect(files.code).toBe(1);
    expect(files.err).toContain("20260101000000_naive_times.sql:4: [timestamptz] timestamp without time zone: use timestamptz");
    const catalog = await migrate(server.url, ["lint", "--json", "--dir", `${FIXTURES}catalog-rules/rls-enabled`]);
    expect(catalog.code).toBe(1);
    expect(JSON.parse(catalog.out)).toEqual({ files: [], catalog: [{ rule: "rls-enabled", object: "table public.notes", message: expect.stringContaining("ENABLE ROW LEVEL SECURITY") }] });
    const narrowed = await migrate(server.url, ["lint", "--exposed-schemas", "api", "--dir", `${FIXTURES}catalog-rules/rls-enabled`]);
    expect(narrowed.code).toBe(0);
  });
});
