/** One backup in the repository, as `pgbackrest info --output=json` describes it. */
export interface PgbackrestBackup {
  readonly label: string;
  readonly type: "full" | "diff" | "incr";
  readonly startTime: number;
  readonly stopTime: number;
  /** Size of the cluster the backup restores to, uncompressed. */
  readonly databaseBytes: number;
  /** Bytes this backup added to the repository (compressed, encrypted). */
  readonly repositoryBytes: number;
  readonly error: boolean;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where its WAL lives and which WAL it needs; absent when pgBackRest recorded none. */
  readonly wal?: BackupWal;
}

/** The WAL a backup needs to be consistent: its archive (such as 15-1), first and last segment, and their LSNs. */
export interface BackupWal {
  readonly archiveId: string;
  readonly start: string;
  readonly stop: string;
  readonly startLsn: string;
  readonly stopLsn: string;
}

/** The state of one stanza. */
export interface PgbackrestStanzaInfo {
  /** 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing stanza data, … (pgBackRest's status codes). */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly cipher: string;
  readonly backups: readonly PgbackrestBackup[];
  readonly archiveMax?: string;
}

/** Raised when the info output is not what pgBackRest prints. */
export class PgbackrestInfoError extends Error {
  override readonly name = "PgbackrestInfoError";
}

type Json = Record<string, unknown>;

const object = (value: unknown, what: string): Json => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new PgbackrestInfoError(`unexpected pgbackrest info output: ${what} is not an object`);
  return value as Json;
};

const num = (value: unknown): number => (typeof value === "number" ? value : 0);

const isBackupWal = (wal: Record<keyof BackupWal, unknown>): wal is BackupWal => Object.values(wal).every((v) => typeof v === "string");

/**
 * Raw control characters, which pgBackRest copies into its messages from a file it could not parse (an info file
 * decrypted with the wrong cipher pass) and which JSON does not allow inside strings.
 */
const CONTROL_CHARACTERS = /[\u0000-\u001f]/g;

/** Parses `pgbackrest info --output=json` for one stanza; backups oldest first. */
export function parseStanzaInfo(text: string, stanza: string): PgbackrestStanzaInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim().replace(CONTROL_CHARACTERS, "?"));
  } catch {
    throw new PgbackrestInfoError(`pgbackrest info printed no JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new PgbackrestInfoError("unexpected pgbackrest info output: not a list of stanzas");
  const entry = parsed.map((s, i) => object(s, `stanza ${i}`)).find((s) => s["name"] === stanza);
  if (!entry) throw new PgbackrestInfoError(`pgbackrest info does not list stanza '${stanza}'`);
  const status = object(entry["status"], "status");
  const archives = Array.isArray(entry["archive"]) ? entry["archive"].map((a) => object(a, "archive")) : [];
  const archiveIdOf = (databaseId: unknown): string | undefined => {
    const archive = archives.find((a) => a["database"] !== undefined && object(a["database"], "archive database")["id"] === databaseId);
    return typeof archive?.["id"] === "string" ? archive["id"] : undefined;
  };
  const backups = (Array.isArray(entry["backup"]) ? entry["backup"] : []).map((raw, i): PgbackrestBackup => {
    const b = object(raw, `backup ${i}`);
    const timestamp = object(b["timestamp"], "backup timestamp");
    const info = object(b["info"], "backup info");
    const repository = object(info["repository"], "backup repository info");
    const annotation = b["annotation"] === undefined ? {} : object(b["annotation"], "annotation");
    const archive = b["archive"] === undefined ? {} : object(b["archive"], "backup archive");
    const lsn = b["lsn"] === undefined ? {} : object(b["lsn"], "backup lsn");
    const archiveId = b["database"] === undefined ? undefined : archiveIdOf(object(b["database"], "backup database")["id"]);
    const wal = { archiveId, start: archive["start"], stop: archive["stop"], startLsn: lsn["start"], stopLsn: lsn["stop"] };
    return {
      label: String(b["label"]),
      type: b["type"] as PgbackrestBackup["type"],
      startTime: num(timestamp["start"]),
      stopTime: num(timestamp["stop"]),
      databaseBytes: num(info["size"]),
      repositoryBytes: num(repository["delta"]),
      error: b["error"] === true,
      annotations: Object.fromEntries(Object.entries(annotation).map(([k, v]) => [k, String(v)])),
      ...(isBackupWal(wal) && { wal }),
    };
  });
  const archiveMax = archives.map((a) => a["max"]).filter((m): m is string => typeof m === "string").sort().at(-1);
  const repoMessages = (Array.isArray(entry["repo"]) ? entry["repo"] : [])
    .map((r) => object(r, "repo"))
    .map((r) => (r["status"] === undefined ? undefined : object(r["status"], "repo status")))
    .filter((r) => r !== undefined && num(r["code"]) !== 0)
    .map((r) => String(r!["message"]));
  return {
    statusCode: num(status["code"]),
    statusMessage: num(status["code"]) === UNREADABLE_CODE && repoMessages.length > 0 ? repoMessages.join("; ") : String(status["message"] ?? ""),
    cipher: String(entry["cipher"] ?? "none"),
    backups,
    ...(archiveMax !== undefined && { archiveMax }),
  };
}

/** pgBackRest's status code ("other") for a repository it could not read: the repo statuses say why. */
export const UNREADABLE_CODE = 99;

/** pgBackRest's status code for a stanza that has not been created yet. */
export const MISSING_STANZA_CODES: readonly number[] = [1, 3];
