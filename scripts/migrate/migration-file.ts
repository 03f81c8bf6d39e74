import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { LexError } from "./sql-lexer.js";
import { splitStatements, type Statement } from "./sql-statements.js";

/** `<UTC yyyymmddhhmmss>_<name>.sql` */
export const FILE_NAME = /^(\d{14})_([a-z0-9][a-z0-9_]*)\.sql$/;
const MARKER = /^--\s*migrate:([A-Za-z-]+)\s*$/;
const KNOWN_MARKERS = ["up", "down", "no-transaction"];

/** One direction of a migration: its SQL and where it starts in the file. */
export interface Section {
  readonly sql: string;
  /** 1-based line of the section's first line in the file. */
  readonly firstLine: number;
  readonly statements: readonly Statement[];
}

/** A parsed migration file. */
export interface Migration {
  readonly version: string;
  readonly name: string;
  /** Path shown in messages (relative to the working directory). */
  readonly file: string;
  /** sha256 (hex) of the file with line endings normalized to LF. */
  readonly checksum: string;
  /** The file's text with LF line endings. */
  readonly source: string;
  /** False for `-- migrate:no-transaction` files, which run statement by statement outside a transaction. */
  readonly transactional: boolean;
  readonly up: Section;
  /** Undefined when the file has no down part (no marker, or nothing but comments after it). */
  readonly down: Section | undefined;
}

/** Raised for a migration file that cannot be parsed; the message starts with `file:line:`. */
export class MigrationFileError extends Error {
  override readonly name = "MigrationFileError";
}

/** sha256 (hex) of migration text, insensitive to CRLF line endings. */
export function checksumOf(content: string): string {
  return createHash("sha256").update(content.replace(/\r\n/g, "\n")).digest("hex");
}

/** Parses a migration's text; `file` is the name used in messages and must follow FILE_NAME. */
export function parseMigration(file: string, content: string): Migration {
  const base = file.split("/").pop() ?? file;
  const match = FILE_NAME.exec(base);
  if (!match) throw new MigrationFileError(`${file}:1: the file name must be <yyyymmddhhmmss>_<name>.sql with a lower-case name of letters, digits and _`);
  const text = content.replace(/\r\n/g, "\n");
  const lines = text.split("\n");
  const markers: { marker: string; line: number }[] = [];
  lines.forEach((line, index) => {
    const found = MARKER.exec(line.trim());
    if (!found) return;
    const marker = found[1]!.toLowerCase();
    if (!KNOWN_MARKERS.includes(marker)) throw new MigrationFileError(`${file}:${index + 1}: unknown marker '-- migrate:${found[1]}'; known: ${KNOWN_MARKERS.map((m) => `-- migrate:${m}`).join(", ")}`);
    markers.push({ marker, line: index + 1 });
  });
  const at = (marker: string): { marker: string; line: number }[] => markers.filter((m) => m.marker === marker);
  for (const marker of KNOWN_MARKERS) {
    const found = at(marker);
    if (found.length > 1) throw new MigrationFileError(`${file}:${found[1]!.line}: '-- migrate:${marker}' appears more than once`);
  }
  const up = at("up")[0];
  const down = at("down")[0];
  const noTransaction = at("no-transaction")[0];
  if (!up) throw new MigrationFileError(`${file}:1: missing '-- migrate:up' marker`);
  if (down && down.line < up.line) throw new MigrationFileError(`${file}:${down.line}: '-- migrate:down' must come after '-- migrate:up'`);
  if (noTransaction && noTransaction.line > up.line) {
    throw new MigrationFileError(`${file}:${noTransaction.line}: '-- migrate:no-transaction' belongs in the header, before '-- migrate:up'`);
  }
  const header = sectionOf(file, lines, 1, up.line - 1);
  if (header.statements.length > 0) throw new MigrationFileError(`${file}:${header.statements[0]!.line}: SQL before '-- migrate:up'`);
  const downSection = down ? sectionOf(file, lines, down.line + 1, lines.length) : undefined;
  return {
    version: match[1]!,
    name: match[2]!,
    file,
    checksum: checksumOf(content),
    source: text,
    transactional: !noTransaction,
    up: sectionOf(file, lines, up.line + 1, down ? down.line - 1 : lines.length),
    down: downSection && downSection.statements.length > 0 ? downSection : undefined,
  };
}

function sectionOf(file: string, lines: readonly string[], firstLine: number, lastLine: number): Section {
  const sql = lines.slice(firstLine - 1, Math.max(firstLine - 1, lastLine)).join("\n");
  try {
    return { sql, firstLine, statements: splitStatements(sql, firstLine) };
  } catch (error) {
    if (!(error instanceof LexError)) throw error;
    const line = firstLine + sql.slice(0, error.offset).split("\n").length - 1;
    throw new MigrationFileError(`${file}:${line}: ${error.message}`);
  }
}

/** Reads every `.sql` file of a directory as a migration, sorted by version; duplicate versions are an error. */
export function loadMigrations(dir: string, cwd = process.cwd()): Migration[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".sql"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new MigrationFileError(`${dir}: no such migrations directory`);
    throw error;
  }
  const migrations = names.sort().map((name) => {
    const path = join(dir, name);
    const shown = relative(cwd, path);
    return parseMigration(shown.startsWith("..") ? path : shown, readFileSync(path, "utf8"));
  });
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationFileError(`${migrations[i]!.file}:1: version ${migrations[i]!.version} is also used by ${migrations[i - 1]!.file}`);
    }
  }
  return migrations;
}
