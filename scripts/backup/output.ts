/** Where a backup CLI writes: progress and notes on stderr, the result on stdout (one JSON document with --json). */
export interface CliOutput {
  /** A progress or status line for people; always stderr, so stdout stays machine-readable. */
  readonly note: (line: string) => void;
  /** The final result. */
  readonly result: (text: string) => void;
}

/** The process's stderr and stdout. */
export function processCliOutput(): CliOutput {
  return {
    note: (line) => process.stderr.write(`${line}\n`),
    result: (text) => process.stdout.write(`${text}\n`),
  };
}
