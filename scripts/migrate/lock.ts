import type pg from "pg";
import { LockTimeoutError } from "./exit.js";

/** The session advisory lock every runner of this project takes before it reads or changes the ledger. */
export const MIGRATION_LOCK_KEY = 7_302_914_117_226_291_025n;

/** The backend holding the migration lock, as far as pg_stat_activity tells. */
interface LockHolder {
  readonly pid: number;
  readonly application: string;
  readonly user: string;
  readonly since: Date | null;
}

const CLASS_ID = Number(MIGRATION_LOCK_KEY >> 32n);
const OBJ_ID = Number(MIGRATION_LOCK_KEY & 0xffffffffn);

async function holder(client: pg.Client): Promise<LockHolder | undefined> {
  const result = await client.query<{ pid: number; application_name: string; usename: string; backend_start: Date | null }>(
    `SELECT a.pid, a.application_name, a.usename, a.backend_start
       FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`,
    [CLASS_ID, OBJ_ID],
  );
  const row = result.rows[0];
  return row && { pid: row.pid, application: row.application_name, user: row.usename, since: row.backend_start };
}

/** One line naming the lock holder. */
function describeHolder(found: LockHolder | undefined): string {
  if (!found) return "another session";
  return `backend pid ${found.pid} (${found.application || "no application_name"}, user ${found.user}${found.since ? `, connected ${found.since.toISOString()}` : ""})`;
}

/** Takes the migration lock, waiting at most `timeoutMs`; `onWait` hears who holds it before the wait starts. */
export async function acquireMigrationLock(client: pg.Client, timeoutMs: number, onWait: (holder: string) => void): Promise<void> {
  const tried = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [MIGRATION_LOCK_KEY.toString()]);
  if (tried.rows[0]?.ok) return;
  const who = describeHolder(await holder(client));
  const duration = timeoutMs >= 1000 && timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`;
  const refuse = (): LockTimeoutError =>
    new LockTimeoutError(`another migration run holds the migration lock: ${who}; gave up after --lock-timeout ${duration}. Nothing was changed; retry when it finishes, or raise --lock-timeout.`);
  if (timeoutMs <= 0) throw refuse();
  onWait(`waiting up to ${duration} for the migration lock held by ${who}`);
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") throw refuse();
    throw error;
  } finally {
    await client.query("RESET lock_timeout").catch(() => undefined);
  }
}

/** Releases the migration lock (closing the session releases it too). */
export async function releaseMigrationLock(client: pg.Client): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
}
