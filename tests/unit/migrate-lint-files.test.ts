import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR } from "../../scripts/migrate/context.js";
import { FILE_RULES, lintMigration, type FileFinding, type FileRule } from "../../scripts/migrate/lint-files.js";
import { loadMigrations } from "../../scripts/migrate/migration-file.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/migrations/file-rules/", import.meta.url));

function lintFixture(rule: FileRule): FileFinding[] {
  return loadMigrations(`${FIXTURES}${rule}`).flatMap(lintMigration);
}

const lines = (findings: readonly FileFinding[]): number[] => findings.map((f) => f.line);

describe("file lint rules, each against a fixture that breaks only it", () => {
  it.each(Object.keys(FILE_RULES) as FileRule[])("%s", (rule) => {
    const findings = lintFixture(rule);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set([rule]));
  });

  it("idempotent: every non-rerunnable statement, on its line", () => {
    const findings = lintFixture("idempotent");
    expect(lines(findings)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 13]);
    expect(findings.find((f) => f.line === 5)?.message).toBe("CREATE POLICY notes_read needs 'DROP POLICY IF EXISTS notes_read ON public.notes' before it");
  });

  it("named-constraint: inline and table constraints, in CREATE TABLE and ALTER TABLE", () => {
    expect(lines(lintFixture("named-constraint"))).toEqual([3, 4, 5, 6, 7, 9]);
  });

  it("fk-on-delete: column, table and ALTER TABLE foreign keys", () => {
    expect(lines(lintFixture("fk-on-delete"))).toEqual([4, 6, 8]);
  });

  it("timestamptz: bare and explicit timestamp without time zone, not timestamptz", () => {
    expect(lines(lintFixture("timestamptz"))).toEqual([4, 5]);
  });

  it("no-transaction: CONCURRENTLY inside a transaction, two statements without one", () => {
    expect(lintFixture("no-transaction").map((f) => `${f.file.split("/").pop()}:${f.line}`)).toEqual([
      "20260101000000_concurrent_index_in_transaction.sql:2",
      "20260101000000_concurrent_index_in_transaction.sql:5",
      "20260101000001_two_statements_without_transaction.sql:4",
    ]);
  });

  it("accepts the idempotent forms", () => {
    const clean = loadMigrations(`${FIXTURES}../clean`).flatMap(lintMigration);
    expect(clean).toEqual([]);
  });

  it("the repository's migrations pass", () => {
    expect(loadMigrations(DEFAULT_MIGRATIONS_DIR).flatMap(lintMigration)).toEqual([]);
  });
});
