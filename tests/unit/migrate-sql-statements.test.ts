import { describe, expect, it } from "vitest";
import { LexError, tokenize } from "../../scripts/migrate/sql-lexer.js";
import { splitStatements } from "../../scripts/migrate/sql-statements.js";

const texts = (sql: string): string[] => splitStatements(sql).map((s) => s.text);

describe("splitStatements", () => {
  it("cuts at top-level semicolons and keeps each statement's first line", () => {
    const statements = splitStatements("SELECT 1;\n\n-- note\nSELECT\n  2;\nSELECT 3", 10);
    expect(statements.map((s) => [s.text, s.line])).toEqual([
      ["SELECT 1;", 10],
      ["SELECT\n  2;", 13],
      ["SELECT 3", 15],
    ]);
  });

  it("ignores semicolons inside strings, quoted identifiers, comments and dollar quotes", () => {
    const sql = [
      "SELECT 'a;b', E'it\\'s;', \"x;y\" FROM t; /* c; /* nested; */ still; */",
      "DO $body$ BEGIN PERFORM 1; END $body$;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
    ].join("\n");
    expect(texts(sql)).toEqual([
      "SELECT 'a;b', E'it\\'s;', \"x;y\" FROM t;",
      "DO $body$ BEGIN PERFORM 1; END $body$;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
    ]);
  });

  it("keeps SQL-standard function bodies (BEGIN ATOMIC … END) whole", () => {
    const sql = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 END;\n  SELECT 2;\nEND;\nSELECT 3;";
    expect(texts(sql)).toEqual([sql.slice(0, sql.lastIndexOf("END;") + 4), "SELECT 3;"]);
  });

  it("treats $1 as a parameter, not a dollar quote", () => {
    expect(texts("PREPARE p AS SELECT $1; SELECT 2;")).toEqual(["PREPARE p AS SELECT $1;", "SELECT 2;"]);
  });

  it("drops empty statements and comment-only text", () => {
    expect(texts(";;\n-- only a comment\n;")).toEqual([]);
  });

  it("reports unterminated quotes and comments with where they start", () => {
    const failures = ["SELECT 'open", 'SELECT "open', "SELECT 1 /* open", "DO $x$ BEGIN"].map((sql) => {
      try {
        tokenize(sql);
        return undefined;
      } catch (error) {
        return error instanceof LexError ? [error.message, error.offset] : error;
      }
    });
    expect(failures).toEqual([
      ["unterminated quoted string", 7],
      ["unterminated quoted identifier", 7],
      ["unterminated /* comment", 9],
      ["unterminated dollar-quoted string $x$", 3],
    ]);
  });
});
