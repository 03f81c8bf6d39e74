import { UsageError } from "../lib/cli-args.js";
import type { Migration } from "./migration-file.js";

/** A row of the ledger: one applied migration. */
export interface AppliedMigration {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
  readonly appliedBy: string;
  readonly durationMs: number;
}

/** An applied migration whose file no longer matches what ran. */
export interface Drift {
  readonly version: string;
  readonly name: string;
  /** `changed`: the file's checksum differs; `missing`: the file is gone. */
  readonly kind: "changed" | "missing";
  readonly appliedChecksum: string;
  readonly fileChecksum: string | undefined;
  readonly file: string | undefined;
}

/** Files and ledger side by side. */
export interface MigrationState {
  readonly applied: readonly AppliedMigration[];
  readonly pending: readonly Migration[];
  readonly drift: readonly Drift[];
  /** Pending migrations older than the newest applied one. */
  readonly outOfOrder: readonly Migration[];
}

/** Compares migration files (sorted by version) with the ledger. */
export function assess(files: readonly Migration[], applied: readonly AppliedMigration[]): MigrationState {
  const byVersion = new Map(files.map((m) => [m.version, m]));
  const appliedVersions = new Set(applied.map((a) => a.version));
  const drift: Drift[] = [];
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) drift.push({ version: row.version, name: row.name, kind: "missing", appliedChecksum: row.checksum, fileChecksum: undefined, file: undefined });
    else if (file.checksum !== row.checksum) {
      drift.push({ version: row.version, name: row.name, kind: "changed", appliedChecksum: row.checksum, fileChecksum: file.checksum, file: file.file });
    }
  }
  const newest = applied.reduce((max, a) => (a.version > max ? a.version : max), "");
  const pending = files.filter((m) => !appliedVersions.has(m.version));
  return {
    applied: [...applied].sort((a, b) => a.version.localeCompare(b.version)),
    pending,
    drift,
    outOfOrder: pending.filter((m) => m.version < newest),
  };
}

/** Why `up` must not run, one line per problem; empty when it may. */
export function upRefusals(state: MigrationState, allowOutOfOrder: boolean): string[] {
  const problems = state.drift.map(describeDrift);
  if (!allowOutOfOrder) {
    const newest = state.applied.at(-1)?.version;
    for (const m of state.outOfOrder) {
      problems.push(`${m.file} is older than the newest applied migration ${newest}; rename it to a newer version (db:migrate new) or pass --allow-out-of-order`);
    }
  }
  return problems;
}

/** One line saying how an applied migration drifted from its file. */
export function describeDrift(drift: Drift): string {
  return drift.kind === "missing"
    ? `${drift.version}_${drift.name} was applied but its file is missing`
    : `${drift.file} changed after it was applied (applied sha256 ${drift.appliedChecksum.slice(0, 12)}…, file ${drift.fileChecksum?.slice(0, 12)}…); add a new migration instead of editing an applied one`;
}

/** Refuses a --to that names no migration file, before anything connects. */
export function requireKnownVersion(files: readonly Migration[], to: string | undefined): void {
  if (to !== undefined && !files.some((m) => m.version === to)) {
    const known = files.length === 0 ? "there are no migration files" : `known versions: ${files[0]!.version} … ${files.at(-1)!.version}`;
    throw new UsageError(`--to: got '${to}'; expected the version of a migration file (${known})`);
  }
}

/** The pending migrations `up` applies, through `to` when given. */
export function pendingThrough(state: MigrationState, to: string | undefined): Migration[] {
  return to === undefined ? [...state.pending] : state.pending.filter((m) => m.version <= to);
}

/** The applied migrations `down --steps n` reverts, newest first, with their files; refuses when any cannot be reverted. */
export function rollbackPlan(state: MigrationState, files: readonly Migration[], steps: number): Migration[] {
  if (steps > state.applied.length) throw new PlanError(`--steps ${steps}: only ${state.applied.length} migration(s) are applied`);
  const byVersion = new Map(files.map((m) => [m.version, m]));
  const targets = [...state.applied].reverse().slice(0, steps);
  const problems: string[] = [];
  const plan: Migration[] = [];
  for (const row of targets) {
    const file = byVersion.get(row.version);
    if (!file) problems.push(`${row.version}_${row.name}: its file is missing, so there is no down part to run`);
    else if (file.checksum !== row.checksum) problems.push(`${file.file} changed after it was applied; its down part may not undo what ran`);
    else if (!file.down) problems.push(`${file.file} has no down part ('-- migrate:down' with SQL); it cannot be rolled back by the runner`);
    else plan.push(file);
  }
  if (problems.length > 0) throw new PlanError(`refusing to roll back:\n  ${problems.join("\n  ")}`);
  return plan;
}

/** Raised when `up` or `down` refuses to run (drift, out-of-order files, no down part); nothing has changed. */
export class PlanError extends Error {
  override readonly name = "PlanError";
}
