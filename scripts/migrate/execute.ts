import type pg from "pg";
import type { Statement } from "./sql-statements.js";

/** A statement the server rejected, located in its file; the message reads `file:line: ERROR …`. */
export class SqlError extends Error {
  override readonly name = "SqlError";
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly sqlState: string | undefined,
  ) {
    super(message);
  }
}

/** The line of a 1-based character position inside a statement that starts at `line`. */
function lineAt(statement: Statement, position: number | undefined): number {
  if (position === undefined || !Number.isInteger(position) || position < 1) return statement.line;
  return statement.line + (statement.text.slice(0, position - 1).match(/\n/g)?.length ?? 0);
}

function isServerError(error: unknown): error is pg.DatabaseError {
  const e = error as pg.DatabaseError;
  return typeof e?.code === "string" && typeof e.severity === "string";
}

/** Turns a server error raised by `statement` of `file` into a SqlError naming file, line and the server's message. */
function locate(error: unknown, file: string, statement: Statement, position: string | number | undefined = (error as pg.DatabaseError)?.position): SqlError | unknown {
  if (!isServerError(error)) return error;
  const e = error;
  const line = lineAt(statement, position === undefined ? undefined : Number(position));
  const extra = [e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`, e.where && `CONTEXT: ${e.where}`].filter(Boolean).map((s) => `\n  ${s}`);
  return new SqlError(`${file}:${line}: ${e.severity}: ${e.message} (SQLSTATE ${e.code})${extra.join("")}`, file, line, e.code);
}

/** Runs statements one by one on the client; the first failure is thrown as a located SqlError. */
export async function runStatements(client: pg.Client, file: string, statements: readonly Statement[]): Promise<void> {
  for (const statement of statements) {
    try {
      await client.query(statement.text);
    } catch (error) {
      throw locate(error, file, statement);
    }
  }
}

/** A batch failure the server located in no statement; `pinpoint` finds the statement. */
export class UnlocatedError extends Error {
  override readonly name = "UnlocatedError";
  constructor(readonly serverError: pg.DatabaseError) {
    super(serverError.message);
  }
}

/**
 * Runs statements in one round trip, after `prefix` (such as `BEGIN;`), as a single multi-statement query. An error
 * the server places (syntax, unknown names) becomes a located SqlError; any other becomes an UnlocatedError.
 */
export async function runBatch(client: pg.Client, file: string, statements: readonly Statement[], prefix: string): Promise<void> {
  let text = prefix;
  const starts: number[] = [];
  for (const statement of statements) {
    starts.push(text.length);
    text += `${statement.text}${statement.text.endsWith(";") ? "" : ";"}\n`;
  }
  try {
    await client.query(text);
  } catch (error) {
    if (!isServerError(error)) throw error;
    const position = error.position === undefined ? undefined : Number(error.position);
    if (position === undefined) throw new UnlocatedError(error);
    const index = starts.findLastIndex((start) => start < position);
    if (index < 0) throw locate(error, file, statements[0]!, undefined);
    throw locate(error, file, statements[index]!, position - starts[index]!);
  }
}

/** Finds which statement raised `failure` by running them one by one in a transaction that is rolled back. */
export async function pinpoint(client: pg.Client, file: string, statements: readonly Statement[], failure: UnlocatedError): Promise<SqlError | unknown> {
  await client.query("BEGIN");
  try {
    await runStatements(client, file, statements);
  } catch (error) {
    return error;
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
  }
  return locate(failure.serverError, file, statements[0]!, undefined);
}
