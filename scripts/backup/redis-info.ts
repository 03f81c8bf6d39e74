/** `INFO` output as field → value. */
export type RedisInfo = Readonly<Record<string, string>>;

/** Parses the text of an INFO reply. */
export function parseRedisInfo(text: string): RedisInfo {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** Where a background save stands, from INFO persistence and LASTSAVE. */
export type SaveState = "running" | "done" | "failed";

/** A save started after `before` (a LASTSAVE value) is done when LASTSAVE moved on, none is running and the last one succeeded. */
export function saveState(info: RedisInfo, lastSave: number, before: number): SaveState {
  if (info["rdb_bgsave_in_progress"] === "1") return "running";
  if (lastSave > before) return info["rdb_last_bgsave_status"] === "ok" ? "done" : "failed";
  return info["rdb_last_bgsave_status"] === "err" ? "failed" : "running";
}

/** Keys per database from INFO keyspace (`db0:keys=3,expires=0,avg_ttl=0`). */
export function keyCounts(info: RedisInfo): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [field, value] of Object.entries(info)) {
    const match = /^db\d+$/.test(field) ? /(?:^|,)keys=(\d+)/.exec(value) : null;
    if (match) counts[field] = Number(match[1]);
  }
  return counts;
}
