/** A WAL segment: its timeline and its number counted from the start of the WAL (LSN divided by the segment size). */
export interface WalSegment {
  readonly timeline: number;
  readonly number: number;
}

/** One line of a timeline history file: the parent timeline and the LSN at which the child branched off it. */
export interface TimelineSwitch {
  readonly parent: number;
  readonly switchLsn: string;
}

/** Segment sizes PostgreSQL allows (initdb --wal-segsize): powers of two from 1 MiB to 1 GiB. */
export const WAL_SEGMENT_SIZES: readonly number[] = Array.from({ length: 11 }, (_, i) => 2 ** (20 + i));

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;
const LOG_BYTES = 2 ** 32;

/** Raised for a segment name, LSN or history file that PostgreSQL would not write. */
export class WalNameError extends Error {
  override readonly name = "WalNameError";
}

/** Reads a 24-hex-digit segment name; undefined for other archive files (history, .backup, .partial). */
export function parseSegmentName(name: string, segmentBytes: number): WalSegment | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return undefined;
  const perLog = LOG_BYTES / segmentBytes;
  const seg = parseInt(match[3]!, 16);
  if (seg >= perLog) throw new WalNameError(`WAL segment ${name} cannot exist with ${segmentBytes}-byte segments (at most ${perLog} per log file)`);
  return { timeline: parseInt(match[1]!, 16), number: parseInt(match[2]!, 16) * perLog + seg };
}

/** The name PostgreSQL gives a segment. */
export function segmentName(segment: WalSegment, segmentBytes: number): string {
  const perLog = LOG_BYTES / segmentBytes;
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");
  return hex(segment.timeline) + hex(Math.floor(segment.number / perLog)) + hex(segment.number % perLog);
}

/** The number of the segment holding an LSN such as 0/3000050. */
export function lsnSegmentNumber(lsn: string, segmentBytes: number): number {
  const match = LSN.exec(lsn);
  if (!match) throw new WalNameError(`LSN '${lsn}' is not of the form 0/3000050`);
  return parseInt(match[1]!, 16) * (LOG_BYTES / segmentBytes) + Math.floor(parseInt(match[2]!, 16) / segmentBytes);
}

/**
 * Works out the segment size from what pgBackRest records for each backup (its start and stop LSN with the segment
 * holding each) and from the archived names; 16 MiB, PostgreSQL's default, only breaks a tie between sizes that all fit.
 */
export function inferSegmentBytes(points: readonly { readonly lsn: string; readonly segment: string }[], names: readonly string[]): number {
  const fits = WAL_SEGMENT_SIZES.filter((size) => {
    try {
      for (const name of names) parseSegmentName(name, size);
      return points.every((p) => segmentName({ timeline: parseInt(p.segment.slice(0, 8), 16), number: lsnSegmentNumber(p.lsn, size) }, size) === p.segment);
    } catch (error) {
      if (error instanceof WalNameError) return false;
      throw error;
    }
  });
  if (fits.length === 1) return fits[0]!;
  if (fits.length > 1 && fits.includes(16 * 2 ** 20)) return 16 * 2 ** 20;
  throw new WalNameError(`cannot tell the WAL segment size from the backups' LSNs and segments (${points.map((p) => `${p.lsn} in ${p.segment}`).join(", ") || "none"}): ${fits.length === 0 ? "no size from 1 MiB to 1 GiB fits" : `${fits.join(", ")} bytes all fit`}`);
}

/** Parses a timeline history file (`<parent>\t<switch LSN>\t<reason>` per line), oldest ancestor first. */
export function parseTimelineHistory(text: string): TimelineSwitch[] {
  const switches: TimelineSwitch[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [parent, switchLsn] = line.split(/\s+/);
    if (!/^\d+$/.test(parent ?? "") || !LSN.test(switchLsn ?? "")) throw new WalNameError(`timeline history line '${line}' is not '<parent timeline> <switch LSN> <reason>'`);
    switches.push({ parent: Number(parent), switchLsn: switchLsn! });
  }
  return switches;
}
