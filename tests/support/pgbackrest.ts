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
  /** What every backup CLI run needs: binaries, database, pgBackRest config and cipher pass, lock folder. */
  readonly cliEnv: Readonly<Record<string, string>>;
}

const WORK_DIRS = ["repo", "log", "lock", "spool", "locks", "home"];

/**
 * Creates the pgBackRest working folders under `work` (keeping a `repo` that is already there, e.g. a mounted tmpfs),
 * starts a cluster whose archive_command pushes through pgBackRest with `cipherPass`, writes the config, and hands it
 * all to the cluster's OS user.
 */
export async function startArchivingCluster(work: string, archiveTimeoutSeconds: number, cipherPass: string): Promise<ArchivingCluster> {
  process.env["PGBACKREST_REPO1_CIPHER_PASS"] = cipherPass;
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
  const cliEnv = {
    PATH: `${server.binDir}:${process.env["PATH"]}`,
    HOME: join(work, "home"),
    PG_BIN_DIR: server.binDir,
    DATABASE_URL: server.url,
    PGBACKREST_CONFIG: configPath,
    PGBACKREST_REPO1_CIPHER_PASS: cipherPass,
    PGBACKREST_ARCHIVE_TIMEOUT: "15",
    BACKUP_LOCK_DIR: join(work, "locks"),
  };
  return { server, configPath, repo, cliEnv };
}
