import type { BackupKind } from "../../stacks/monitoring/backup-metrics.js";

/** What one successful backup produced. */
export interface BackupResult {
  readonly kind: BackupKind;
  /** The backup's id: a pgBackRest label, or the id of a logical or Redis backup in the destination. */
  readonly id: string;
  /** Bytes stored at the destination (compressed and encrypted). */
  readonly sizeBytes: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A plan printed by --dry-run instead of running. */
export interface DryRun {
  readonly kind: BackupKind;
  readonly dryRun: true;
  readonly steps: readonly string[];
}

/** One backup the CLI can plan or run, built (and its settings checked) before any runs. */
export interface BackupJob {
  readonly kind: BackupKind;
  readonly plan: () => DryRun;
  readonly run: () => Promise<BackupResult>;
}
