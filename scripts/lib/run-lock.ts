import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { dirname } from "node:path";

/** Raised when another live process holds the lock. */
export class LockedError extends Error {
  override readonly name = "LockedError";
}

/** Takes an exclusive lock file holding our pid (replacing one left by a dead process); returns its release. */
export function acquireLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readPid(path);
      if (isAlive(holder)) throw new LockedError(`another run holds ${path} (pid ${holder}); wait for it to finish`);
      rmSync(path, { force: true });
    }
  }
  throw new LockedError(`could not take ${path}; another run is starting at the same time`);
}

function readPid(path: string): number {
  try {
    return Number(readFileSync(path, "utf8").trim());
  } catch {
    return Number.NaN;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
