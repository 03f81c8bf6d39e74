import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checksumOf, loadMigrations, MigrationFileError, parseMigration } from "../../scripts/migrate/migration-file.js";

const FILE = "20260101000000_create_notes.sql";

describe("parseMigration", () => {
  it("reads version, name, sections with their file lines, and the checksum", () => {
    const content = "-- header comment\n-- migrate:up\nCREATE TABLE IF NOT EXISTS notes (id int);\n\n-- migrate:down\nDROP TABLE IF EXISTS notes;\n";
    const migration = parseMigration(FILE, content);
    expect(migration).toMatchObject({ version: "20260101000000", name: "create_notes", transactional: true, checksum: checksumOf(content) });
    expect(migration.up.statements.map((s) => [s.text, s.line])).toEqual([["CREATE TABLE IF NOT EXISTS notes (id int);", 3]]);
    expect(migration.down?.statements.map((s) => s.line)).toEqual([6]);
  });

  it("marks -- migrate:no-transaction files and treats a comment-only down as no down part", () => {
    const migration = parseMigration(FILE, "-- migrate:no-transaction\n-- migrate:up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n-- migrate:down\n-- irreversible\n");
    expect(migration.transactional).toBe(false);
    expect(migration.down).toBeUndefined();
  });

  it("gives the same checksum for CRLF and LF line endings, and a different one for any edit", () => {
    const lf = "-- migrate:up\nSELECT 1;\n";
    expect(checksumOf(lf.replace(/\n/g, "\r\n"))).toBe(checksumOf(lf));
    expect(checksumOf(`${lf} `)).not.toBe(checksumOf(lf));
  });

  it.each([
    ["20260101_x.sql", "-- migrate:up\nSELECT 1;", "the file name must be"],
    [FILE, "SELECT 1;", "missing '-- migrate:up' marker"],
    [FILE, "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 1;", "'-- migrate:down' must come after"],
    [FILE, "-- migrate:up\n-- migrate:no-transaction\nSELECT 1;", "belongs in the header"],
    [FILE, "-- migrate:up\nSELECT 1;\n-- migrate:up\n", "appears more than once"],
    [FILE, "-- migrate:sideways\n-- migrate:up\n", "unknown marker '-- migrate:sideways'"],
    [FILE, "SELECT 0;\n-- migrate:up\nSELECT 1;", "SQL before '-- migrate:up'"],
    [FILE, "-- migrate:up\nSELECT 1;\nSELECT 'open;\n", ":3: unterminated quoted string"],
  ])("rejects %s with %j", (file, content, message) => {
    expect(() => parseMigration(file, content)).toThrow(MigrationFileError);
    expect(() => parseMigration(file, content)).toThrow(message);
  });
});

describe("loadMigrations", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sorts by version, ignores non-SQL files and refuses duplicate versions", () => {
    dir = mkdtempSync(join(tmpdir(), "migrations-"));
    writeFileSync(join(dir, "20260102000000_b.sql"), "-- migrate:up\nSELECT 2;\n");
    writeFileSync(join(dir, "20260101000000_a.sql"), "-- migrate:up\nSELECT 1;\n");
    writeFileSync(join(dir, "README.md"), "notes");
    expect(loadMigrations(dir).map((m) => m.name)).toEqual(["a", "b"]);
    writeFileSync(join(dir, "20260102000000_c.sql"), "-- migrate:up\nSELECT 3;\n");
    expect(() => loadMigrations(dir)).toThrow("version 20260102000000 is also used by");
  });

  it("names a missing directory", () => {
    dir = join(tmpdir(), "no-such-migrations-dir");
    expect(() => loadMigrations(dir)).toThrow(`${dir}: no such migrations directory`);
  });
});
