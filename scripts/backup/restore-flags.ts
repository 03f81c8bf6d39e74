import { integerBetween, NAME, PATH } from "../lib/args.js";
import { DESTINATION_FORMS } from "./destination.js";

/** The flags of `npm run restore`. */
export const RESTORE_FLAGS = {
  switches: ["latest", "accept-wal-gap", "delta", "force", "no-archive", "dry-run", "json", "help"],
  options: {
    "to-time": { allowed: "an RFC 3339 time with an offset, such as 2026-01-01T12:00:00Z", valid: (raw: string) => raw.length > 0 },
    "pg-data": PATH,
    set: NAME,
    stanza: NAME,
    "pgbackrest-config": PATH,
    from: { allowed: DESTINATION_FORMS, valid: (raw: string) => raw.length > 0 },
    "target-db": NAME,
    jobs: integerBetween(1, 64),
    "work-dir": PATH,
    "data-dir": PATH,
    dbfilename: NAME,
    appenddirname: NAME,
    appendfilename: NAME,
    out: PATH,
  },
} as const;
