import type pg from "pg";
import { connect as connectTarget, databaseFromEnv, withDatabase as targetWithDatabase, type DatabaseTarget } from "../lib/database-target.js";
import type { Env } from "../lib/secrets.js";

/** The database the migration tools work on, and the application name their sessions show in pg_stat_activity. */
export interface ConnectionTarget extends DatabaseTarget {
  readonly applicationName: string;
}

/** Reads the target from DATABASE_URL (or DATABASE_URL_FILE), else from PGHOST, PGPORT, PGUSER, PGPASSWORD (or PGPASSWORD_FILE), PGDATABASE, PGSSLMODE. */
export function targetFromEnv(env: Env, applicationName: string): ConnectionTarget {
  return { ...databaseFromEnv(env), applicationName };
}

/** The same target with another database on the same server. */
export function withDatabase(target: ConnectionTarget, database: string): ConnectionTarget {
  return { ...targetWithDatabase(target, database), applicationName: target.applicationName };
}

/** Opens a connection, turning failures into a ConnectionError that names the target. */
export function connect(target: ConnectionTarget): Promise<pg.Client> {
  return connectTarget(target, target.applicationName);
}
