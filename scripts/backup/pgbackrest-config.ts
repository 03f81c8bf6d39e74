/** Where pgBackRest keeps backups and archived WAL: a directory (a dev volume) or an S3-compatible bucket. */
export type PgbackrestRepository =
  | { readonly type: "posix"; readonly path: string }
  | {
      readonly type: "s3";
      readonly bucket: string;
      /** Host name (and port) of the S3 endpoint, such as s3.eu-west-1.amazonaws.com or minio.internal:9000. */
      readonly endpoint: string;
      readonly region: string;
      /** Prefix inside the bucket; one per cluster and major version. */
      readonly path: string;
      /** `path` for MinIO and most S3-compatible stores, `host` for AWS. */
      readonly uriStyle: "host" | "path";
      /** `shared`: key and secret from PGBACKREST_REPO1_S3_KEY(_SECRET); `auto`: instance role; `web-id`: IRSA. */
      readonly keyType: "shared" | "auto" | "web-id";
      readonly verifyTls: boolean;
      /** CA certificates (PEM file) to verify the endpoint with instead of the system's, for a privately signed endpoint. */
      readonly caFile?: string;
    };

/** How pgBackRest reaches the cluster: its files on this host, or a `pgbackrest server` next to it over mutual TLS. */
export type PgbackrestCluster =
  | { readonly kind: "local"; readonly dataDir: string; readonly port: number; readonly socketDir: string; readonly user: string }
  | {
      readonly kind: "tls";
      /** Host of the pgBackRest TLS server that runs beside PostgreSQL. */
      readonly host: string;
      readonly serverPort: number;
      /** The cluster's directory, socket, port and user as seen on that host. */
      readonly dataDir: string;
      readonly port: number;
      readonly socketDir: string;
      readonly user: string;
      readonly certFile: string;
      readonly keyFile: string;
      readonly caFile: string;
    };

/** The settings of `pgbackrest server` on the database host, for clusters reached over TLS. */
export interface PgbackrestTlsServer {
  readonly address: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** Common name of the client certificate the server accepts for the stanza. */
  readonly clientCommonName: string;
}

/** How long backups are kept. */
export interface PgbackrestRetention {
  /** Days a full backup (with its diffs and WAL) is kept: time-based retention. */
  readonly fullDays: number;
  /** How many differential backups are kept; older ones expire with their full. */
  readonly diffCount: number;
}

/** Everything pgbackrest.conf holds; secrets are not part of it and reach pgBackRest through PGBACKREST_* variables. */
export interface PgbackrestConfig {
  readonly stanza: string;
  readonly repository: PgbackrestRepository;
  readonly cluster: PgbackrestCluster;
  readonly tlsServer?: PgbackrestTlsServer;
  readonly retention: PgbackrestRetention;
  readonly compressType: "zst" | "lz4" | "gz";
  readonly processMax: { readonly backup: number; readonly restore: number; readonly archive: number };
  readonly logPath: string;
  readonly lockPath: string;
  readonly spoolPath: string;
  /** Push and fetch WAL in parallel through the spool directory. */
  readonly archiveAsync: boolean;
}

/** Variables that carry pgBackRest's secrets; pgBackRest reads them itself, so they never reach a file or argv. */
export const PGBACKREST_SECRET_ENV = {
  cipherPass: "PGBACKREST_REPO1_CIPHER_PASS",
  s3Key: "PGBACKREST_REPO1_S3_KEY",
  s3KeySecret: "PGBACKREST_REPO1_S3_KEY_SECRET",
} as const;

/** The cipher of the repository; it cannot change after `stanza-create`. */
export const REPO_CIPHER = "aes-256-cbc";

/** Defaults for the parts of the configuration every stack shares. */
export const PGBACKREST_DEFAULTS = {
  stanza: "main",
  retention: { fullDays: 28, diffCount: 7 },
  compressType: "zst",
  processMax: { backup: 4, restore: 8, archive: 4 },
  logPath: "/var/log/pgbackrest",
  lockPath: "/tmp/pgbackrest",
  spoolPath: "/var/spool/pgbackrest",
  archiveAsync: true,
} as const satisfies Partial<PgbackrestConfig>;

/** Seconds after which PostgreSQL switches to a new WAL segment even when it is not full: the bound on RPO. */
export const ARCHIVE_TIMEOUT_SECONDS = 60;

/** Raised for a configuration pgBackRest would reject or that would lose data. */
export class PgbackrestConfigError extends Error {
  override readonly name = "PgbackrestConfigError";
}

const STANZA = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function check(config: PgbackrestConfig): void {
  const problems: string[] = [];
  if (!STANZA.test(config.stanza)) problems.push(`stanza: got '${config.stanza}'; expected letters, digits, '_' or '-'`);
  if (!Number.isInteger(config.retention.fullDays) || config.retention.fullDays < 1) problems.push(`retention.fullDays: got ${config.retention.fullDays}; expected a whole number of days of at least 1`);
  if (!Number.isInteger(config.retention.diffCount) || config.retention.diffCount < 1) problems.push(`retention.diffCount: got ${config.retention.diffCount}; expected a whole number of at least 1`);
  for (const [command, count] of Object.entries(config.processMax)) {
    if (!Number.isInteger(count) || count < 1 || count > 64) problems.push(`processMax.${command}: got ${count}; expected 1 to 64`);
  }
  const paths: [string, string][] = [["logPath", config.logPath], ["lockPath", config.lockPath], ["spoolPath", config.spoolPath], ["cluster.dataDir", config.cluster.dataDir], ["repository.path", config.repository.path]];
  if (config.repository.type === "s3" && config.repository.caFile !== undefined) paths.push(["repository.caFile", config.repository.caFile]);
  for (const [name, path] of paths) if (!path.startsWith("/")) problems.push(`${name}: got '${path}'; expected an absolute path`);
  for (const [name, value] of Object.entries(flatten(config))) {
    if (/[\n\r]/.test(value)) problems.push(`${name}: contains a line break`);
  }
  if (problems.length > 0) throw new PgbackrestConfigError(`invalid pgBackRest configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

function flatten(value: unknown, prefix = ""): Record<string, string> {
  if (value === null || typeof value !== "object") return { [prefix]: String(value) };
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

const yn = (on: boolean): string => (on ? "y" : "n");

function repositoryLines(repo: PgbackrestRepository): string[] {
  if (repo.type === "posix") return ["repo1-type=posix", `repo1-path=${repo.path}`];
  return [
    "repo1-type=s3",
    `repo1-path=${repo.path}`,
    `repo1-s3-bucket=${repo.bucket}`,
    `repo1-s3-endpoint=${repo.endpoint}`,
    `repo1-s3-region=${repo.region}`,
    `repo1-s3-uri-style=${repo.uriStyle}`,
    `repo1-s3-key-type=${repo.keyType}`,
    `repo1-storage-verify-tls=${yn(repo.verifyTls)}`,
    ...(repo.caFile !== undefined ? [`repo1-storage-ca-file=${repo.caFile}`] : []),
  ];
}

function clusterLines(cluster: PgbackrestCluster): string[] {
  const common = [`pg1-path=${cluster.dataDir}`, `pg1-port=${cluster.port}`, `pg1-socket-path=${cluster.socketDir}`, `pg1-user=${cluster.user}`];
  if (cluster.kind === "local") return common;
  return [
    `pg1-host=${cluster.host}`,
    "pg1-host-type=tls",
    `pg1-host-port=${cluster.serverPort}`,
    `pg1-host-cert-file=${cluster.certFile}`,
    `pg1-host-key-file=${cluster.keyFile}`,
    `pg1-host-ca-file=${cluster.caFile}`,
    ...common,
  ];
}

/**
 * Renders pgbackrest.conf: encrypted (aes-256-cbc, pass from PGBACKREST_REPO1_CIPHER_PASS), zstd, time-based retention with
 * automatic expire, WAL copied into each backup, fast start; never a secret, so it can live in a ConfigMap.
 */
export function renderPgbackrestConf(config: PgbackrestConfig): string {
  check(config);
  const global = [
    ...repositoryLines(config.repository),
    `repo1-cipher-type=${REPO_CIPHER}`,
    "repo1-bundle=y",
    "repo1-retention-full-type=time",
    `repo1-retention-full=${config.retention.fullDays}`,
    `repo1-retention-diff=${config.retention.diffCount}`,
    `compress-type=${config.compressType}`,
    "start-fast=y",
    "archive-copy=y",
    "expire-auto=y",
    `archive-async=${yn(config.archiveAsync)}`,
    `spool-path=${config.spoolPath}`,
    `log-path=${config.logPath}`,
    `lock-path=${config.lockPath}`,
    "log-level-file=info",
    ...(config.tlsServer
      ? [
          `tls-server-address=${config.tlsServer.address}`,
          `tls-server-port=${config.tlsServer.port}`,
          `tls-server-cert-file=${config.tlsServer.certFile}`,
          `tls-server-key-file=${config.tlsServer.keyFile}`,
          `tls-server-ca-file=${config.tlsServer.caFile}`,
          `tls-server-auth=${config.tlsServer.clientCommonName}=${config.stanza}`,
        ]
      : []),
  ];
  const sections: [string, string[]][] = [
    ["global", global],
    ["global:backup", [`process-max=${config.processMax.backup}`]],
    ["global:restore", [`process-max=${config.processMax.restore}`]],
    ["global:archive-push", [`process-max=${config.processMax.archive}`]],
    ["global:archive-get", [`process-max=${config.processMax.archive}`]],
    [config.stanza, clusterLines(config.cluster)],
  ];
  return `${sections.map(([name, lines]) => `[${name}]\n${lines.join("\n")}\n`).join("\n")}`;
}

/** What the cluster must run with so every WAL segment reaches the repository within ARCHIVE_TIMEOUT_SECONDS (wal_level stays as is: replica or logical both archive). */
export function postgresArchiveSettings(stanza: string, configPath: string, archiveTimeoutSeconds = ARCHIVE_TIMEOUT_SECONDS): Readonly<Record<string, string>> {
  if (!STANZA.test(stanza)) throw new PgbackrestConfigError(`stanza: got '${stanza}'; expected letters, digits, '_' or '-'`);
  if (!/^\/[^\s'"]*$/.test(configPath)) throw new PgbackrestConfigError(`configPath: got '${configPath}'; expected an absolute path without spaces or quotes`);
  if (!Number.isInteger(archiveTimeoutSeconds) || archiveTimeoutSeconds < 1) throw new PgbackrestConfigError(`archiveTimeoutSeconds: got ${archiveTimeoutSeconds}; expected at least 1`);
  return {
    archive_mode: "on",
    archive_command: `pgbackrest --config=${configPath} --stanza=${stanza} archive-push %p`,
    archive_timeout: `${archiveTimeoutSeconds}s`,
  };
}

/** The same settings as `-c name=value` server arguments, for a container command line. */
export function postgresArchiveArgs(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
}
