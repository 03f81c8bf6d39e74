import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A private scratch directory (mode 0700) under `parent` (default the temp dir), and its removal. */
export function scratchDir(prefix: string, parent?: string): { readonly path: string; readonly remove: () => void } {
  const base = parent ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const path = mkdtempSync(join(base, `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
