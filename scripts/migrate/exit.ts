import { UsageError } from "../lib/cli-args.js";
import type { Output } from "../lib/report.js";
import { EXIT } from "../lib/exit-codes.js";

/** Raised when the migration lock could not be taken in time. */
export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
}

/** Prints an error the way the CLIs do and returns the exit code it maps to. */
export function failureExit(error: unknown, output: Output, command: string): number {
  if (error instanceof UsageError) {
    output.err(`${error.message}\n(run with --help for usage)`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(`${command} failed: ${message}`);
  return error instanceof LockTimeoutError ? EXIT.locked : EXIT.failed;
}
