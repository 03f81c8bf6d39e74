import { fileURLToPath } from "node:url";
import { UsageError } from "./cli-args.js";

/** Runs `main` when `moduleUrl` is the entry script: its return value is the exit code; 2 for usage errors, 1 otherwise. */
export function runAsScript(moduleUrl: string, main: (argv: readonly string[]) => number): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
