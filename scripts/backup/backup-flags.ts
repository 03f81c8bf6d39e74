import { integerBetween, NAME, oneOf, PATH } from "../lib/args.js";
import { DESTINATION_FORMS } from "./destination.js";
import { BACKUP_TYPES } from "./pgbackrest-args.js";

/** The flags of `npm run backup`. */
export const BACKUP_FLAGS = {
  switches: ["dry-run", "json", "help"],
  options: {
    type: oneOf(BACKUP_TYPES),
    stanza: NAME,
    "pgbackrest-config": PATH,
    dest: { allowed: DESTINATION_FORMS, valid: (raw: string) => raw.length > 0 },
    jobs: integerBetween(1, 64),
    "pgsodium-key": PATH,
    "keep-days": integerBetween(1, 3650),
    "keep-min": integerBetween(1, 1000),
    "redis-data-dir": PATH,
    "work-dir": PATH,
  },
} as const;
