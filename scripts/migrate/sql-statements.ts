import { tokenize, type Token } from "./sql-lexer.js";

/** One SQL statement cut from a larger text. */
export interface Statement {
  /** The statement as sent to the server, from its first token through its semicolon. */
  readonly text: string;
  /** Its tokens, comments left out. */
  readonly tokens: readonly Token[];
  /** 1-based line of its first token in the text it was cut from, plus the caller's line offset. */
  readonly line: number;
  /** Offset of its first token in the text it was cut from. */
  readonly offset: number;
}

/** Upper-case text of a word token, or undefined for other tokens. */
export function keyword(token: Token | undefined): string | undefined {
  return token?.kind === "word" ? token.text.toUpperCase() : undefined;
}

/** True when the statement creates a function or procedure, whose SQL-standard body (BEGIN ATOMIC … END) holds semicolons. */
function startsRoutine(words: readonly string[]): boolean {
  if (words[0] !== "CREATE") return false;
  const kind = words[1] === "OR" && words[2] === "REPLACE" ? words[3] : words[1];
  return kind === "FUNCTION" || kind === "PROCEDURE";
}

/** Cuts SQL into statements at top-level semicolons; `firstLine` is the line number of the text's first line. */
export function splitStatements(source: string, firstLine = 1): Statement[] {
  const lineStarts = [0];
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + firstLine;
  };

  const statements: Statement[] = [];
  let current: Token[] = [];
  let words: string[] = [];
  let depth = 0;
  const finish = (end: number): void => {
    const first = current[0];
    if (first && !(current.length === 1 && current[0]!.text === ";")) {
      statements.push({ text: source.slice(first.start, end), tokens: current, line: lineOf(first.start), offset: first.start });
    }
    current = [];
    words = [];
    depth = 0;
  };
  for (const token of tokenize(source)) {
    if (token.kind === "comment") continue;
    current.push(token);
    const word = keyword(token);
    if (word !== undefined && words.length < 4) words.push(word);
    if (word !== undefined && startsRoutine(words)) {
      if (word === "BEGIN" || word === "CASE") depth++;
      else if (word === "END" && depth > 0) depth--;
    }
    if (token.text === ";" && token.kind === "punct" && depth === 0) finish(token.end);
  }
  const last = current.at(-1);
  if (last) finish(last.end);
  return statements;
}
