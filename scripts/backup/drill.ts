import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { checkBtreeIndexes, type IndexFailure } from "./amcheck.js";
import { ArchiveGapError, describeArchiveGap } from "./archive-gap-check.js";
import { connect } from "../lib/database-target.js";
import { decodeAnnotations } from "./counts-annotation.js";
import { pgbackrestArgs } from "./pgbackrest-args.js";
import { planPhysicalRestore, restorePhysical } from "./physical-restore.js";
import { pgbackrestFailure, runPgbackrest, stanzaInfo, type Pgbackrest } from "./pgbackrest.js";
import { compareCounts, countRows, listTables, type CountMismatch } from "./row-counts.js";
import { startScratchCluster } from "./scratch-postgres.js";
import type { Env } from "../lib/secrets.js";
import { scratchDir } from "./work-dir.js";

/** One restore drill of the newest physical backup. */
export interface DrillRequest {
  readonly pgbackrest: Pgbackrest;
  /** Parent of the scratch data directory (needs room for a full restore). */
  readonly scratchParent?: string;
  /** Superuser of the restored cluster. */
  readonly user: string;
  readonly env: Env;
  readonly note: (line: string) => void;
  /** Keep the scratch directory for inspection. */
  readonly keep: boolean;
  readonly timeoutSeconds: number;
}

/** What the drill measured and found; it passed when both lists are empty. */
export interface DrillReport {
  readonly backup: string;
  readonly restorePoint: string;
  /** Seconds to copy the backup into place. */
  readonly restoreSeconds: number;
  /** Seconds from starting PostgreSQL until it had replayed WAL to the restore point and promoted. */
  readonly recoverySeconds: number;
  /** restoreSeconds + recoverySeconds: the measured RTO of this backup, without provisioning and cutover. */
  readonly rtoSeconds: number;
  readonly tables: number;
  readonly indexes: number;
  readonly mismatches: readonly CountMismatch[];
  readonly indexFailures: readonly IndexFailure[];
  readonly scratchDir?: string;
}

/**
 * Verifies the repository (pgbackrest verify), picks the newest backup that carries a recorded restore point and fails
 * when a WAL segment after it is missing from the archive; otherwise restores it into a scratch directory with archiving
 * off, replays WAL to that point and promotes, then runs amcheck on every btree index and compares every table's row
 * count with the counts recorded at the point.
 */
export async function runDrill(request: DrillRequest): Promise<DrillReport> {
  const { pgbackrest, note } = request;
  note("drill: pgbackrest verify");
  const verified = await runPgbackrest(pgbackrest, pgbackrestArgs(pgbackrest.target, "verify", ["--log-level-console=warn"]));
  if (verified.code !== 0) throw pgbackrestFailure("verify", verified);

  const info = await stanzaInfo(pgbackrest);
  const candidates = info.backups.filter((b) => !b.error).map((backup) => ({ backup, point: decodeAnnotations(backup.annotations) }));
  const chosen = candidates.filter((c) => c.point).at(-1);
  if (!chosen?.point) throw new Error("no backup carries a recorded restore point; take one with 'npm run backup -- postgres'");
  const point = chosen.point;

  const scratch = scratchDir("restore-drill", request.scratchParent);
  const dataDir = join(scratch.path, "data");
  mkdirSync(dataDir, { mode: 0o700 });
  try {
    const restoreRequest = { pgbackrest, dataDir, target: { kind: "name", name: point.name } as const, set: chosen.backup.label, delta: false, force: false, archiveOff: true, acceptWalGap: false, note };
    const plan = await planPhysicalRestore(restoreRequest);
    const gap = describeArchiveGap(plan.wal);
    if (gap) throw new ArchiveGapError(`${gap}. Recovery past the gap is impossible: take a new backup ('npm run backup -- postgres --type full') and find why archiving skipped it`);
    note(`drill: restoring ${chosen.backup.label} to restore point ${point.name} in ${dataDir}`);
    const restoreStarted = Date.now();
    await restorePhysical(restoreRequest, plan);
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;

    note("drill: starting the restored cluster");
    const cluster = await startScratchCluster({ dataDir, user: request.user, env: request.env, serverEnv: pgbackrest.env, timeoutSeconds: request.timeoutSeconds });
    try {
      const client = await connect(cluster.target(point.database), "supabase-drill counts");
      let mismatches: CountMismatch[];
      try {
        mismatches = compareCounts(point.counts, await countRows(client, await listTables(client)));
      } finally {
        await client.end().catch(() => undefined);
      }
      const amcheck = await checkBtreeIndexes(cluster.target, note);
      return {
        backup: chosen.backup.label,
        restorePoint: point.name,
        restoreSeconds,
        recoverySeconds: cluster.promotedAfterSeconds,
        rtoSeconds: restoreSeconds + cluster.promotedAfterSeconds,
        tables: Object.keys(point.counts).length,
        indexes: amcheck.indexes,
        mismatches,
        indexFailures: amcheck.failures,
        ...(request.keep && { scratchDir: scratch.path }),
      };
    } finally {
      await cluster.stop();
    }
  } finally {
    if (!request.keep) scratch.remove();
  }
}
