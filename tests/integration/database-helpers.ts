import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Output } from "../../scripts/lib/report.js";
import { bootstrap } from "../../scripts/migrate/bootstrap.js";
import { snapshotCatalog, type CatalogSnapshot } from "../../scripts/migrate/catalog.js";
import { runMigrateCli } from "../../scripts/migrate/cli.js";
import { afterEach } from "vitest";
import { withClient } from "../support/postgres.js";

/** Root of the repository. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** An Output that keeps what was written. */
export function captureOutput(): Output & { text(): { out: string; err: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), color: false, text: () => ({ out: out.join("\n"), err: err.join("\n") }) };
}

/** Runs `db:migrate` in this process against a database URL. */
export async function migrate(url: string, argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const output = captureOutput();
  const code = await runMigrateCli(argv, { env: { DATABASE_URL: url, MIGRATE_ACTOR: "vitest", ...env }, output, cwd: REPO_ROOT });
  return { code, ...output.text() };
}

/** Runs a repository script as its own process (node + tsx), as an operator would. */
export function runScript(script: string, argv: readonly string[], env: Record<string, string>): CliRun {
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const run = spawnSync(tsx, [script, ...argv], { cwd: REPO_ROOT, env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env }, encoding: "utf8" });
  return { code: run.status ?? -1, out: run.stdout, err: run.stderr };
}

/** The catalog snapshot of a database. */
export function snapshot(url: string): Promise<CatalogSnapshot> {
  return withClient(url, snapshotCatalog);
}

/** Bootstraps a database without touching passwords. */
export async function bootstrapDatabase(url: string): Promise<void> {
  await withClient(url, (client) => bootstrap(client, { passwords: new Map() }));
}

/** A temporary migrations directory holding the given files; `remove()` deletes it. */
export function migrationsDir(files: Readonly<Record<string, string>>): { dir: string; write(name: string, content: string): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "migrations-"));
  const write = (name: string, content: string): void => writeFileSync(join(dir, name), content);
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A migration's text from its up and (optional) down SQL. */
export function migrationText(up: string, down?: string, options: { noTransaction?: boolean } = {}): string {
  return `${options.noTransaction ? "-- migrate:no-transaction\n" : ""}-- migrate:up\n${up}\n${down === undefined ? "" : `\n-- migrate:down\n${down}\n`}`;
}

/** Makes temporary migrations folders, each removed after the test that made it. */
export function tempMigrationsFolders(): (files: Readonly<Record<string, string>>) => ReturnType<typeof migrationsDir> {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
  return (files) => {
    const made = migrationsDir(files);
    cleanups.push(made.remove);
    return made;
  };
}
