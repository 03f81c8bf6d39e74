import { spawn } from "node:child_process";
import { constants } from "node:os";

/** Runs a command with the terminal attached (output streamed, never captured) and resolves to its exit code. */
export type StreamCommand = (cmd: string, args: readonly string[], env: Record<string, string>) => Promise<number>;

/**
 * Spawns with inherited stdio. While it runs, Ctrl-C is left to the child (the terminal signals both, and Pulumi
 * cancels gracefully), and SIGTERM/SIGHUP sent to this process are passed on to it.
 */
export const streamCommand: StreamCommand = (cmd, args, env) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    const keepAlive = (): void => {};
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const detach = (): void => {
      process.off("SIGINT", keepAlive);
      process.off("SIGTERM", forward);
      process.off("SIGHUP", forward);
    };
    process.on("SIGINT", keepAlive);
    process.on("SIGTERM", forward);
    process.on("SIGHUP", forward);
    child.on("error", (error) => {
      detach();
      process.stderr.write(`cannot start ${cmd}: ${error.message}\n`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      detach();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
