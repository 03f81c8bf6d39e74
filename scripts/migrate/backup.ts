import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Env } from "../lib/secrets.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BACKUP_SCRIPT = fileURLToPath(new URL("../backup.ts", import.meta.url));

/** Fails, before anything changes, when --backup-before is given but this checkout has no backup CLI. */
export function requireBackupCli(scriptPath = BACKUP_SCRIPT): void {
  if (!existsSync(scriptPath)) {
    throw new Error(`--backup-before: the backup CLI (scripts/backup.ts, 'npm run backup -- logical') is not in this checkout; take a backup another way and run without --backup-before`);
  }
}

/** Takes a logical backup with the project's backup CLI, its output on stderr; throws when it fails. */
export async function takeLogicalBackup(env: Env): Promise<void> {
  const { $ } = await import("zx");
  const run = await $({ cwd: REPO_ROOT, env: { ...env }, stdio: ["ignore", process.stderr, process.stderr], nothrow: true, quiet: true })`npm run backup -- logical`;
  if (run.exitCode !== 0) throw new Error(`--backup-before: 'npm run backup -- logical' failed with exit code ${run.exitCode}; nothing was migrated`);
}
