/** A file of a Redis 7 multi-part AOF, as its manifest lists it. */
export interface AofPart {
  readonly name: string;
  readonly type: "b" | "h" | "i";
}

/** Reads an AOF manifest (`file appendonly.aof.1.base.rdb seq 1 type b` lines). */
export function parseAofManifest(text: string): AofPart[] {
  const parts: AofPart[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const fields = line.trim().split(/\s+/);
    const get = (key: string): string | undefined => fields[fields.indexOf(key) + 1];
    const name = get("file");
    const type = get("type");
    if (!name || (type !== "b" && type !== "h" && type !== "i") || name.includes("/")) throw new Error(`AOF manifest line not understood: '${line}'`);
    parts.push({ name, type });
  }
  return parts;
}

/**
 * An AOF directory that holds an RDB snapshot as its base, with an empty increment: Redis 7 with appendonly yes loads it
 * at startup, so a restored RDB wins instead of being ignored in favour of an old (or newly created empty) AOF.
 */
export function aofFromRdb(appendFilename: string): { readonly base: string; readonly incr: string; readonly manifest: string; readonly manifestName: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(appendFilename)) throw new Error(`appendfilename '${appendFilename}' is not a plain file name`);
  const base = `${appendFilename}.1.base.rdb`;
  const incr = `${appendFilename}.1.incr.aof`;
  return { base, incr, manifestName: `${appendFilename}.manifest`, manifest: `file ${base} seq 1 type b\nfile ${incr} seq 1 type i\n` };
}
