/** Exit codes of the database, backup and restore CLIs. */
export const EXIT = {
  ok: 0,
  /** The job ran and failed. */
  failed: 1,
  /** Bad command line or settings; nothing was done. */
  usage: 2,
  /** Another run of the same job holds its lock; nothing was done. */
  locked: 3,
} as const;
