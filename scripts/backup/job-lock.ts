import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock } from "../lib/run-lock.js";
import type { Env } from "../lib/secrets.js";

/** Takes the lock of one job (`backup-postgres`, `restore-logical`, …) in BACKUP_LOCK_DIR or the temp dir; returns its release. */
export function lockJob(job: string, env: Env): () => void {
  const dir = env["BACKUP_LOCK_DIR"] || join(tmpdir(), "supabase-backup-locks");
  return acquireLock(join(dir, `${job}.lock`));
}
