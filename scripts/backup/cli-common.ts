import { constants } from "node:os";
import { UsageError } from "../lib/cli-args.js";
import { LockedError } from "../lib/run-lock.js";
import { ConnectionError } from "../lib/pg-client.js";
import { DestinationError } from "./destination.js";
import { PgbackrestConfigError } from "./pgbackrest-config.js";
import { TargetTimeError } from "./pgbackrest-args.js";
import { signalChildren } from "./run-process.js";
import { SecretError } from "../lib/secrets.js";
import { EXIT } from "../lib/exit-codes.js";

/** Errors about flags or settings, found before anything changed. */
export function isSettingsError(error: unknown): boolean {
  return [UsageError, SecretError, ConnectionError, DestinationError, TargetTimeError, PgbackrestConfigError].some((type) => error instanceof type);
}

/** The exit code an error maps to. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof LockedError) return EXIT.locked;
  return isSettingsError(error) ? EXIT.usage : EXIT.failed;
}

/** An error's message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Tracks SIGTERM/SIGINT/SIGHUP: passes them to the running tools (which stop and fail the job) instead of dying mid-write. */
export interface SignalWatch {
  /** The signal received, if any. */
  readonly received: () => NodeJS.Signals | undefined;
  /** 128 + the signal number, for the exit code. */
  readonly exitCode: () => number;
  readonly dispose: () => void;
}

/** Starts watching; `onSignal` runs once, on the first signal. */
export function watchSignals(onSignal: (signal: NodeJS.Signals) => void): SignalWatch {
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) return;
    received = signal;
    signalChildren(signal);
    onSignal(signal);
  };
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const s of signals) process.on(s, handler);
  return {
    received: () => received,
    exitCode: () => (received ? 128 + constants.signals[received] : EXIT.ok),
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    },
  };
}
