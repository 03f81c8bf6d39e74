import { existsSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { formatBytes } from "./progress.js";

/** Free bytes for an unprivileged writer on the filesystem holding `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  let probe = path;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  const stats = statfsSync(probe);
  return stats.bavail * stats.bsize;
}

/** Headroom demanded above the bytes a restore writes (the restored cluster grows while it replays WAL). */
export const DISK_HEADROOM = 1.1;

/** Throws when `path` has less room than `neededBytes` plus headroom, naming both figures. */
export function requireFreeSpace(path: string, neededBytes: number, what: string, available = freeBytes(path)): void {
  const required = Math.ceil(neededBytes * DISK_HEADROOM);
  if (available < required) {
    throw new Error(`not enough disk space for ${what} in ${path}: needs ${formatBytes(required)} (${formatBytes(neededBytes)} + 10%), ${formatBytes(available)} free`);
  }
}
