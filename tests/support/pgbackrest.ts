import { chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGBACKREST_DEFAULTS, postgresArchiveSettings, renderPgbackrestConf } from "../../scripts/backup/pgbackrest-config.js";
import { clusterOwner, startPostgres, type PostgresServer } from "./postgres.js";

/** A throwaway PostgreSQL that archives its WAL through pgBackRest into a posix repository under a work directory. */
export interface ArchivingCluster {
  /** The running server. */
  readonly server: PostgresServer;
  /** The pgbackrest.conf both the server and the CLIs use. */
  readonly configPath: string;
  /** The repository directory. */
  readonly repo: string;
}

const WORK_DIRS = ["repo", "log", "lock", "spool", "locks", "home"];

/**
 * Creates the pgBackRest working folders under `work` (keeping a `repo` that is already there, e.g. a mounted tmpfs),
 * starts a cluster whose archive_command pushes through pgBackRest, writes the config, and hands it all to the
 * cluster's OS user. The caller sets PGBACKREST_REPO1_CIPHER_PASS before starting.
 */
export async function startArchivingCluster(work: string, archiveTimeoutSeconds: number): Promise<ArchivingCluster> {
  const configPath = join(work, "pgbackrest.conf");
  const repo = join(work, "repo");
  for (const dir of WORK_DIRS) mkdirSync(join(work, dir), { recursive: true });
  const archive = postgresArchiveSettings("main", configPath, archiveTimeoutSeconds);
  const server = await startPostgres({ settings: { ...archive, archive_command: `'${archive["archive_command"]}'` } });
  writeFileSync(
    configPath,
    renderPgbackrestConf({
      ...PGBACKREST_DEFAULTS,
      processMax: { backup: 2, restore: 2, archive: 2 },
      repository: { type: "posix", path: repo },
      cluster: { kind: "local", dataDir: server.dataDir, port: server.port, socketDir: server.socketDir, user: server.superuser },
      logPath: join(work, "log"),
      lockPath: join(work, "lock"),
      spoolPath: join(work, "spool"),
    }),
  );
  const owner = clusterOwner();
  if (owner) for (const path of [work, configPath, ...WORK_DIRS.map((d) => join(work, d))]) chownSync(path, owner.uid, owner.gid);
  return { server, configPath, repo };
}
