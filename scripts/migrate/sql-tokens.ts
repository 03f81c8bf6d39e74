import type { Token } from "./sql-lexer.js";
import { keyword, type Statement } from "./sql-statements.js";

/** A name as PostgreSQL folds it: unquoted parts lower-cased, quoted ones verbatim, joined by dots. */
export interface QualifiedName {
  readonly name: string;
  /** Index of the first token after the name. */
  readonly next: number;
}

function part(token: Token | undefined): string | undefined {
  if (token?.kind === "word") return token.text.toLowerCase();
  if (token?.kind === "quoted") return token.text.slice(1, -1).replace(/""/g, '"');
  return undefined;
}

/** Reads `a`, `a.b` or `"A".b` starting at token `start`; undefined when no name starts there. */
export function qualifiedName(tokens: readonly Token[], start: number): QualifiedName | undefined {
  const first = part(tokens[start]);
  if (first === undefined) return undefined;
  const parts = [first];
  let i = start + 1;
  while (tokens[i]?.text === "." && part(tokens[i + 1]) !== undefined) {
    parts.push(part(tokens[i + 1])!);
    i += 2;
  }
  return { name: parts.join("."), next: i };
}

/** True when the words at `start` are exactly `sequence` (upper-case). */
export function wordsAt(tokens: readonly Token[], start: number, ...sequence: string[]): boolean {
  return sequence.every((word, k) => keyword(tokens[start + k]) === word);
}

/** Index of the first word `word` at parenthesis depth 0 from `start`, or -1. */
export function findWord(tokens: readonly Token[], word: string, start = 0, end = tokens.length): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const text = tokens[i]!.text;
    if (tokens[i]!.kind === "punct" && text === "(") depth++;
    else if (tokens[i]!.kind === "punct" && text === ")") depth--;
    else if (depth === 0 && keyword(tokens[i]) === word) return i;
  }
  return -1;
}

/** Splits tokens[start, end) at commas of parenthesis depth 0 into index ranges. */
export function splitAtCommas(tokens: readonly Token[], start: number, end: number): [number, number][] {
  const ranges: [number, number][] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const token = tokens[i]!;
    if (token.kind !== "punct") continue;
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
    else if (token.text === "," && depth === 0) {
      ranges.push([from, i]);
      from = i + 1;
    }
  }
  if (from < end) ranges.push([from, end]);
  return ranges;
}

/** Index of the parenthesis closing the one at `open`, or -1. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== "punct") continue;
    if (token.text === "(") depth++;
    else if (token.text === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The file line of a token of a statement. */
export function tokenLine(statement: Statement, token: Token | undefined): number {
  if (!token) return statement.line;
  return statement.line + (statement.text.slice(0, token.start - statement.offset).match(/\n/g)?.length ?? 0);
}
