import { $ } from "zx";

/** Outcome of a finished command: exit code (127 when not found, 124 on timeout) and captured output. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a short command to completion and captures its output; never throws. */
export type Runner = (cmd: string, args: readonly string[]) => Promise<CommandResult>;

const TIMEOUT_SECONDS = 20;

/** Runs commands on this machine through zx, with a timeout so an unreachable engine cannot hang a check. */
export const systemRunner: Runner = async (cmd, args) => {
  try {
    const out = await $({ nothrow: true, quiet: true, verbose: false, timeout: `${TIMEOUT_SECONDS}s` })`${cmd} ${args}`;
    if (out.exitCode === null) {
      return { code: 124, stdout: out.stdout, stderr: `${cmd} did not answer within ${TIMEOUT_SECONDS}s` };
    }
    return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
  } catch (error) {
    return { code: 127, stdout: "", stderr: error instanceof Error ? error.message : String(error) };
  }
};
