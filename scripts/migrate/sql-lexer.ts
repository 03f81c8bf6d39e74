/** What a lexical token of PostgreSQL SQL is. */
export type TokenKind = "word" | "quoted" | "string" | "number" | "param" | "punct" | "comment";

/** One token with its position in the source. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the source. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** Raised on input the lexer cannot finish (an unterminated string, identifier or comment). */
export class LexError extends Error {
  override readonly name = "LexError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isWordStart = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c >= "\u0080";
const isWordPart = (c: string): boolean => isWordStart(c) || isDigit(c) || c === "$";
const isSpace = (c: string): boolean => c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f" || c === "\v";
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Splits SQL into tokens the way the PostgreSQL scanner does for quoting and comments. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: source.slice(start, end), start, end });
    i = end;
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (isSpace(c)) {
      i++;
    } else if (c === "-" && next === "-") {
      const newline = source.indexOf("\n", i);
      push("comment", i, newline < 0 ? source.length : newline);
    } else if (c === "/" && next === "*") {
      push("comment", i, blockCommentEnd(source, i));
    } else if (c === "'") {
      push("string", i, quotedEnd(source, i, "'", false));
    } else if ((c === "E" || c === "e") && next === "'") {
      push("string", i, quotedEnd(source, i + 1, "'", true));
    } else if ((c === "U" || c === "u") && next === "&" && (source[i + 2] === "'" || source[i + 2] === '"')) {
      const quote = source[i + 2]!;
      push(quote === "'" ? "string" : "quoted", i, quotedEnd(source, i + 2, quote, false));
    } else if (c === '"') {
      push("quoted", i, quotedEnd(source, i, '"', false));
    } else if (c === "$" && isDigit(next)) {
      let end = i + 1;
      while (end < source.length && isDigit(source[end])) end++;
      push("param", i, end);
    } else if (c === "$" && DOLLAR_TAG.test(source.slice(i, i + 64))) {
      push("string", i, dollarQuotedEnd(source, i));
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (end < source.length && isWordPart(source[end]!)) end++;
      push("word", i, end);
    } else if (isDigit(c) || (c === "." && isDigit(next))) {
      let end = i + 1;
      while (end < source.length && /[0-9._eE]/.test(source[end]!)) end++;
      push("number", i, end);
    } else {
      push("punct", i, i + 1);
    }
  }
  return tokens;
}

function blockCommentEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length - 1; i++) {
    if (source[i] === "/" && source[i + 1] === "*") {
      depth++;
      i++;
    } else if (source[i] === "*" && source[i + 1] === "/") {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  throw new LexError("unterminated /* comment", start);
}

function quotedEnd(source: string, open: number, quote: string, backslashEscapes: boolean): number {
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (backslashEscapes && c === "\\") {
      i++;
    } else if (c === quote) {
      if (source[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  throw new LexError(quote === "'" ? "unterminated quoted string" : "unterminated quoted identifier", open);
}

function dollarQuotedEnd(source: string, start: number): number {
  const tag = DOLLAR_TAG.exec(source.slice(start, start + 64))![0];
  const close = source.indexOf(tag, start + tag.length);
  if (close < 0) throw new LexError(`unterminated dollar-quoted string ${tag}`, start);
  return close + tag.length;
}
