import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { constants } from "node:os";
import { createInterface } from "node:readline";

/** How to run one child process. */
export interface RunOptions {
  /** The child's whole environment (build it with childEnv: secrets only where the tool needs them). */
  readonly env: Readonly<Record<string, string>>;
  /** Hears every line of stdout and stderr as it arrives (unless stdout goes to a file). */
  readonly onLine?: (line: string) => void;
  /** Writes stdout to this file instead of reading it: for large output, which never passes through this process. */
  readonly stdoutFile?: string;
  readonly cwd?: string;
  /** How many trailing lines to keep for error messages. */
  readonly tailLines?: number;
  /** Run as this user and group (when this process is root and the tool refuses root, like pg_ctl). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Sends the child SIGTERM when aborted, as a CronJob deadline would. */
  readonly signal?: AbortSignal;
}

/** How a child ended, with the last lines it printed (memory stays bounded however much it prints). */
export interface RunResult {
  readonly code: number;
  readonly tail: readonly string[];
}

const running = new Set<ChildProcess>();

/** Sends a signal to every child still running (on SIGTERM from a CronJob deadline or Ctrl-C). */
export function signalChildren(signal: NodeJS.Signals): void {
  for (const child of running) child.kill(signal);
}

/** Runs a command to completion without a shell; exit code 127 when it cannot start, 128+n when killed by signal n. */
export function runProcess(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const keep = options.tailLines ?? 40;
  const tail: string[] = [];
  const remember = (line: string): void => {
    tail.push(line);
    if (tail.length > keep) tail.shift();
    options.onLine?.(line);
  };
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, "w", 0o600) : undefined;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ["ignore", stdoutFd ?? "pipe", "pipe"],
      ...(options.owner && { uid: options.owner.uid, gid: options.owner.gid }),
    });
    running.add(child);
    options.signal?.addEventListener("abort", () => child.kill("SIGTERM"), { once: true });
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    if (child.stdout) createInterface({ input: child.stdout }).on("line", remember);
    if (child.stderr) createInterface({ input: child.stderr }).on("line", remember);
    child.on("error", (error) => {
      running.delete(child);
      resolve({ code: 127, tail: [...tail, `cannot start ${cmd}: ${error.message}`] });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), tail });
    });
  });
}

/** Runs a command and returns its stdout; for short outputs only (it is held in memory). Throws with the tail on failure. */
export async function captureProcess(cmd: string, args: readonly string[], env: Readonly<Record<string, string>>, maxBytes = 16 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const out: Buffer[] = [];
    let size = 0;
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) child.kill("SIGTERM");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-4000);
    });
    child.on("error", (error) => {
      running.delete(child);
      reject(new Error(`cannot start ${cmd}: ${error.message}`));
    });
    child.on("close", (code) => {
      running.delete(child);
      if (size > maxBytes) reject(new Error(`${cmd} ${args.at(-1) ?? ""}: printed more than ${maxBytes} bytes`));
      else if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`${cmd} ${args.at(-1) ?? ""} exited with ${code}: ${err.trim()}`));
    });
  });
}

/** The base environment every child gets (PATH, locale, time zone, temp dir), plus the given variables. */
export function childEnv(extra: Readonly<Record<string, string>> = {}, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"]) {
    const value = env[name];
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...extra };
}
