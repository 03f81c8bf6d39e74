/** A backup id: its UTC creation time to the millisecond, so ids sort by age (`20261123T152400.123Z`). */
export function newBackupId(now: Date): string {
  return now.toISOString().replaceAll("-", "").replaceAll(":", "");
}

const ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/;

/** When a backup with this id was created; undefined for anything that is not an id (such folders are never touched). */
export function backupIdTime(id: string): number | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
  return newBackupId(new Date(time)) === id ? time : undefined;
}
