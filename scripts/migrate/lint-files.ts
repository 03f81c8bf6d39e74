import type { Migration, Section } from "./migration-file.js";
import { transactionControl } from "./runner.js";
import type { Token } from "./sql-lexer.js";
import { keyword, type Statement } from "./sql-statements.js";
import { closingParen, findWord, qualifiedName, splitAtCommas, tokenLine, wordsAt } from "./sql-tokens.js";

/** The rules checked on migration files, with what each asks for. */
export const FILE_RULES = {
  idempotent: "DDL is safe to re-run: IF [NOT] EXISTS, CREATE OR REPLACE, DROP POLICY/TRIGGER/CONSTRAINT IF EXISTS before re-creating",
  "no-todo": "no TODO, FIXME or XXX markers",
  "named-constraint": "PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY and EXCLUDE constraints are named (CONSTRAINT <name>)",
  "fk-on-delete": "every foreign key says what happens ON DELETE",
  timestamptz: "timestamptz, never timestamp (without time zone)",
  "no-transaction": "CONCURRENTLY and other statements that cannot run in a transaction go alone in a '-- migrate:no-transaction' file",
  "transaction-control": "no BEGIN/COMMIT/ROLLBACK: the runner owns transactions",
  "empty-up": "the up section holds SQL",
  "psql-meta": "no psql meta-commands (\\set, \\i …): the runner sends SQL only",
} as const;

/** A rule of FILE_RULES. */
export type FileRule = keyof typeof FILE_RULES;

/** One problem found in a file. */
export interface FileFinding {
  readonly file: string;
  readonly line: number;
  readonly rule: FileRule;
  readonly message: string;
}

type Report = (statement: Statement, token: Token | undefined, rule: FileRule, message: string) => void;

const IF_NOT_EXISTS_OBJECTS = new Set(["TABLE", "INDEX", "SCHEMA", "SEQUENCE", "EXTENSION"]);
const OR_REPLACE_OBJECTS = new Set(["FUNCTION", "PROCEDURE", "VIEW", "AGGREGATE", "RULE"]);
const CREATE_MODIFIERS = new Set(["UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "RECURSIVE", "CONSTRAINT", "TRUSTED", "PROCEDURAL", "MATERIALIZED"]);
const CONSTRAINT_STARTS = new Set(["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"]);
const COLUMN_CONSTRAINTS = new Set(["PRIMARY", "UNIQUE", "CHECK", "REFERENCES"]);
const NEVER_IN_TRANSACTION = [["VACUUM"], ["CREATE", "DATABASE"], ["DROP", "DATABASE"], ["ALTER", "SYSTEM"], ["CREATE", "TABLESPACE"]];

/** Checks one migration file against every file rule. */
export function lintMigration(migration: Migration): FileFinding[] {
  const findings: FileFinding[] = [];
  const report: Report = (statement, token, rule, message) =>
    findings.push({ file: migration.file, line: tokenLine(statement, token), rule, message });
  migration.source.split("\n").forEach((line, index) => {
    const marker = /\b(TODO|FIXME|XXX)\b/.exec(line);
    if (marker) findings.push({ file: migration.file, line: index + 1, rule: "no-todo", message: `${marker[1]} marker: finish the work or track it elsewhere` });
  });
  if (migration.up.statements.length === 0) {
    findings.push({ file: migration.file, line: migration.up.firstLine, rule: "empty-up", message: "the up section has no SQL" });
  }
  for (const section of [migration.up, migration.down]) {
    if (section) lintSection(migration, section, report);
  }
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

function lintSection(migration: Migration, section: Section, report: Report): void {
  const dropped = new Set<string>();
  if (!migration.transactional && section.statements.length > 1) {
    report(section.statements[1]!, undefined, "no-transaction", "a '-- migrate:no-transaction' file holds one statement per section, so a failure cannot leave it half applied");
  }
  for (const statement of section.statements) {
    const first = statement.tokens[0];
    if (first?.kind === "punct" && first.text === "\\") {
      report(statement, first, "psql-meta", "psql meta-command; the runner sends SQL only");
      continue;
    }
    const control = transactionControl(statement);
    if (control) report(statement, first, "transaction-control", `${control}: the runner gives each migration its own transaction`);
    if (migration.transactional) checkTransactionSafe(statement, report);
    checkIdempotent(statement, dropped, report);
    checkTables(statement, report);
    checkTimestamps(statement, report);
  }
}

function checkTransactionSafe(statement: Statement, report: Report): void {
  const tokens = statement.tokens;
  const concurrently = findWord(tokens, "CONCURRENTLY");
  if (concurrently >= 0 && ["CREATE", "DROP", "REINDEX"].includes(keyword(tokens[0]) ?? "")) {
    report(statement, tokens[concurrently], "no-transaction", "CONCURRENTLY cannot run inside a transaction: put it alone in a file with '-- migrate:no-transaction'");
  }
  for (const words of NEVER_IN_TRANSACTION) {
    if (wordsAt(tokens, 0, ...words)) report(statement, tokens[0], "no-transaction", `${words.join(" ")} cannot run inside a transaction: put it alone in a file with '-- migrate:no-transaction'`);
  }
}

function hasIfExists(tokens: readonly Token[], from: number, within: number): boolean {
  for (let i = from; i < Math.min(tokens.length, from + within); i++) if (wordsAt(tokens, i, "IF", "EXISTS") || wordsAt(tokens, i, "IF", "NOT", "EXISTS")) return true;
  return false;
}

function checkIdempotent(statement: Statement, dropped: Set<string>, report: Report): void {
  const tokens = statement.tokens;
  const verb = keyword(tokens[0]);
  if (verb === "CREATE") checkCreate(statement, dropped, report);
  else if (verb === "DROP" && keyword(tokens[1]) !== "OWNED") {
    if (!hasIfExists(tokens, 1, 5)) {
      report(statement, tokens[0], "idempotent", "DROP without IF EXISTS fails when re-run");
      return;
    }
    const kind = keyword(tokens[1]);
    const name = qualifiedName(tokens, findWord(tokens, "EXISTS") + 1);
    const on = findWord(tokens, "ON");
    const table = on >= 0 ? qualifiedName(tokens, on + 1) : undefined;
    if (name && table && (kind === "POLICY" || kind === "TRIGGER")) dropped.add(`${kind} ${table.name} ${name.name}`);
  } else if (verb === "ALTER" && keyword(tokens[1]) === "TABLE") checkAlterTable(statement, dropped, report);
}

function checkCreate(statement: Statement, dropped: Set<string>, report: Report): void {
  const tokens = statement.tokens;
  const orReplace = wordsAt(tokens, 1, "OR", "REPLACE");
  let i = orReplace ? 3 : 1;
  while (CREATE_MODIFIERS.has(keyword(tokens[i]) ?? "")) i++;
  const object = keyword(tokens[i]);
  const materialized = tokens.slice(1, i).some((t) => keyword(t) === "MATERIALIZED");
  if (object === undefined) return;
  if (IF_NOT_EXISTS_OBJECTS.has(object) || (object === "VIEW" && materialized)) {
    if (!hasIfExists(tokens, i + 1, 3)) report(statement, tokens[i], "idempotent", `CREATE ${materialized ? "MATERIALIZED VIEW" : object} without IF NOT EXISTS fails when re-run`);
  } else if (OR_REPLACE_OBJECTS.has(object)) {
    if (!orReplace) report(statement, tokens[i], "idempotent", `CREATE ${object} without OR REPLACE fails when re-run`);
  } else if (object === "POLICY" || object === "TRIGGER") {
    const name = qualifiedName(tokens, i + 1);
    const on = findWord(tokens, "ON", i + 1);
    const table = on >= 0 ? qualifiedName(tokens, on + 1) : undefined;
    if (orReplace && object === "TRIGGER") return;
    if (!name || !table || !dropped.has(`${object} ${table.name} ${name.name}`)) {
      report(statement, tokens[i], "idempotent", `CREATE ${object} ${name?.name ?? ""} needs 'DROP ${object} IF EXISTS ${name?.name ?? "<name>"} ON ${table?.name ?? "<table>"}' before it`);
    }
  } else if (object === "TYPE" || object === "DOMAIN") {
    report(statement, tokens[i], "idempotent", `CREATE ${object} has no IF NOT EXISTS: create it in a DO block that checks pg_type first`);
  } else if (object === "ROLE" || object === "USER" || object === "GROUP") {
    report(statement, tokens[i], "idempotent", `CREATE ${object} fails when the role exists; roles belong in sql/bootstrap`);
  }
}

function alterTableActions(tokens: readonly Token[]): { table: string; actions: [number, number][] } | undefined {
  let i = 2;
  if (wordsAt(tokens, i, "IF", "EXISTS")) i += 2;
  if (keyword(tokens[i]) === "ONLY") i++;
  const name = qualifiedName(tokens, i);
  if (!name) return undefined;
  const end = tokens.at(-1)?.text === ";" ? tokens.length - 1 : tokens.length;
  return { table: name.name, actions: splitAtCommas(tokens, name.next, end) };
}

function checkAlterTable(statement: Statement, dropped: Set<string>, report: Report): void {
  const tokens = statement.tokens;
  const parsed = alterTableActions(tokens);
  if (!parsed) return;
  for (const [from] of parsed.actions) {
    const action = keyword(tokens[from]);
    const next = keyword(tokens[from + 1]);
    if (action === "RENAME") {
      report(statement, tokens[from], "idempotent", "RENAME fails when re-run: guard it in a DO block that checks the catalog");
    } else if (action === "DROP") {
      if (!hasIfExists(tokens, from + 1, 2)) report(statement, tokens[from], "idempotent", `DROP ${next === "CONSTRAINT" ? "CONSTRAINT" : "COLUMN"} without IF EXISTS fails when re-run`);
      else if (next === "CONSTRAINT") {
        const name = qualifiedName(tokens, from + 4);
        if (name) dropped.add(`CONSTRAINT ${parsed.table} ${name.name}`);
      }
    } else if (action === "ADD" && next === "CONSTRAINT") {
      const name = qualifiedName(tokens, from + 2);
      if (name && !dropped.has(`CONSTRAINT ${parsed.table} ${name.name}`)) {
        report(statement, tokens[from], "idempotent", `ADD CONSTRAINT ${name.name} fails when re-run: 'DROP CONSTRAINT IF EXISTS ${name.name}' first`);
      }
    } else if (action === "ADD" && !CONSTRAINT_STARTS.has(next ?? "")) {
      const column = next === "COLUMN" ? from + 2 : from + 1;
      if (!wordsAt(tokens, column, "IF", "NOT", "EXISTS")) report(statement, tokens[from], "idempotent", "ADD COLUMN without IF NOT EXISTS fails when re-run");
    }
  }
}

/** Table elements (columns and constraints) of CREATE TABLE and ALTER TABLE … ADD, as token index ranges. */
function tableElements(tokens: readonly Token[]): [number, number][] {
  const table = findWord(tokens, "TABLE");
  if (keyword(tokens[0]) === "CREATE" && table >= 0 && table < 6) {
    const open = tokens.findIndex((t) => t.kind === "punct" && t.text === "(");
    const close = open >= 0 ? closingParen(tokens, open) : -1;
    return close > open ? splitAtCommas(tokens, open + 1, close) : [];
  }
  if (keyword(tokens[0]) === "ALTER" && keyword(tokens[1]) === "TABLE") {
    return (alterTableActions(tokens)?.actions ?? [])
      .filter(([from]) => keyword(tokens[from]) === "ADD")
      .map(([from, to]) => {
        let start = from + 1;
        if (keyword(tokens[start]) === "COLUMN") start++;
        if (wordsAt(tokens, start, "IF", "NOT", "EXISTS")) start += 3;
        return [start, to];
      });
  }
  return [];
}

function checkTables(statement: Statement, report: Report): void {
  const tokens = statement.tokens;
  for (const [from, to] of tableElements(tokens)) {
    const first = keyword(tokens[from]);
    if (first === "LIKE") continue;
    if (first !== undefined && CONSTRAINT_STARTS.has(first)) {
      report(statement, tokens[from], "named-constraint", `unnamed ${first} constraint: write CONSTRAINT <name> ${first} …`);
    } else if (first !== "CONSTRAINT") {
      for (let k = from + 1; k < to; k++) {
        const word = keyword(tokens[k]);
        if (word === undefined || !COLUMN_CONSTRAINTS.has(word) || depthAt(tokens, from, k) !== 0) continue;
        if (keyword(tokens[k - 2]) !== "CONSTRAINT") report(statement, tokens[k], "named-constraint", `unnamed ${word === "REFERENCES" ? "foreign key" : word} constraint on a column: write CONSTRAINT <name> ${word} …`);
      }
    }
    const references = findWord(tokens, "REFERENCES", from, to);
    if (references >= 0 && findOnDelete(tokens, references, to) < 0) {
      report(statement, tokens[references], "fk-on-delete", "foreign key without ON DELETE: say CASCADE, RESTRICT, SET NULL … explicitly");
    }
  }
}

function depthAt(tokens: readonly Token[], from: number, at: number): number {
  let depth = 0;
  for (let i = from; i < at; i++) {
    if (tokens[i]!.kind !== "punct") continue;
    if (tokens[i]!.text === "(") depth++;
    else if (tokens[i]!.text === ")") depth--;
  }
  return depth;
}

function findOnDelete(tokens: readonly Token[], from: number, to: number): number {
  for (let i = from; i < to; i++) if (depthAt(tokens, from, i) === 0 && wordsAt(tokens, i, "ON", "DELETE")) return i;
  return -1;
}

function checkTimestamps(statement: Statement, report: Report): void {
  const tokens = statement.tokens;
  tokens.forEach((token, i) => {
    if (keyword(token) !== "TIMESTAMP") return;
    let next = i + 1;
    if (tokens[next]?.text === "(") next = closingParen(tokens, next) + 1;
    if (next > 0 && wordsAt(tokens, next, "WITH", "TIME", "ZONE")) return;
    report(statement, token, "timestamptz", "timestamp without time zone: use timestamptz");
  });
}
