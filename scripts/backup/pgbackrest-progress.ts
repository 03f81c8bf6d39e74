/** Progress reported by one pgBackRest DETAIL line about a copied file. */
export interface FileProgress {
  readonly bytes: number;
  readonly percent: number;
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 };
const FILE_LINE = /DETAIL: .*\bfile\b.* \((?:bundle [^,]+, )?(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB), (\d+(?:\.\d+)?)%\)/;

/** Reads a `backup file …`/`restore file …` console line at log-level detail; undefined for any other line. */
export function parseFileProgress(line: string): FileProgress | undefined {
  const match = FILE_LINE.exec(line);
  if (!match) return undefined;
  return { bytes: Math.round(Number(match[1]) * UNITS[match[2]!]!), percent: Number(match[3]) };
}

/** Strips the timestamp and process prefix from a pgBackRest console line. */
export function stripLogPrefix(line: string): string {
  return line.replace(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} P\d+\s+/, "");
}
