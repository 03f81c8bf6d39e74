/** A prepared restore: what it will do (for --dry-run and the report), and how to do it. */
export interface PreparedRestore {
  /** Name of the run lock. */
  readonly job: string;
  readonly describe: () => Promise<Record<string, unknown>>;
  readonly run: () => Promise<Record<string, unknown>>;
}
