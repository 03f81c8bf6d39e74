import { gunzipSync, gzipSync } from "node:zlib";
import type { RowCounts } from "./row-counts.js";

/** A restore point created right after a backup, with the row counts the cluster held exactly there. */
export interface RecordedPoint {
  /** Name given to pg_create_restore_point; a restore with --type=name stops there. */
  readonly name: string;
  readonly database: string;
  readonly createdAt: string;
  readonly counts: RowCounts;
}

const KEY = "supabase-restore-point";
const CHUNK = 60_000;

/** The point as pgBackRest backup annotations (counts gzipped, base64 and split so no argument grows too long). */
export function encodeAnnotations(point: RecordedPoint): Record<string, string> {
  const packed = gzipSync(JSON.stringify(point)).toString("base64");
  const annotations: Record<string, string> = {};
  const parts = Math.max(1, Math.ceil(packed.length / CHUNK));
  for (let i = 0; i < parts; i++) annotations[`${KEY}.${i}`] = packed.slice(i * CHUNK, (i + 1) * CHUNK);
  annotations[`${KEY}.parts`] = String(parts);
  return annotations;
}

/** Reads a point back from a backup's annotations; undefined when the backup has none. */
export function decodeAnnotations(annotations: Readonly<Record<string, string>>): RecordedPoint | undefined {
  const parts = Number(annotations[`${KEY}.parts`]);
  if (!Number.isInteger(parts) || parts < 1) return undefined;
  let packed = "";
  for (let i = 0; i < parts; i++) {
    const part = annotations[`${KEY}.${i}`];
    if (part === undefined) return undefined;
    packed += part;
  }
  const point = JSON.parse(gunzipSync(Buffer.from(packed, "base64")).toString("utf8")) as RecordedPoint;
  if (typeof point.name !== "string" || typeof point.counts !== "object") return undefined;
  return point;
}

/** pgBackRest `--annotation=key=value` arguments. */
export function annotationArgs(annotations: Readonly<Record<string, string>>): string[] {
  return Object.entries(annotations).map(([key, value]) => `--annotation=${key}=${value}`);
}
