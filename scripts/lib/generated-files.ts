import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseFlags } from "./cli-args.js";

/** How a directory differs from a generator's output; paths relative to the directory. */
export interface Drift {
  /** Generated files the directory lacks. */
  readonly missing: string[];
  /** Files whose content differs. */
  readonly changed: string[];
  /** Files the generator owns but no longer writes. */
  readonly extra: string[];
}

/** A generator of committed files. */
export interface Generator {
  /** What `--help` prints. */
  readonly help: string;
  /** The directory it writes, as shown in messages (relative to the repository). */
  readonly label: string;
  /** Absolute path of that directory. */
  readonly dir: string;
  /** The files it writes, by path relative to `dir`. */
  readonly files: () => Record<string, string>;
  /** Whether an existing file (relative path) is the generator's to remove when it no longer writes it. */
  readonly owns: (path: string) => boolean;
}

/** Compares `dir` with the generated files; only owned files count as extra. */
export function driftOf(files: Readonly<Record<string, string>>, dir: string, owns: (path: string) => boolean): Drift {
  const present = existsSync(dir) ? listFiles(dir) : [];
  return {
    missing: Object.keys(files).filter((f) => !present.includes(f)),
    changed: Object.keys(files).filter((f) => present.includes(f) && readFileSync(join(dir, f), "utf8") !== files[f]),
    extra: present.filter((f) => !(f in files) && owns(f)),
  };
}

/** Runs a generator as a CLI: writes (or with --dry-run only reports) the drift; exit 1 when a dry run finds any. */
export function runGenerator(generator: Generator, argv: readonly string[]): number {
  const flags = parseFlags(argv, { switches: ["dry-run", "json", "help"], options: {} });
  if (flags.switches.has("help")) {
    console.log(generator.help);
    return 0;
  }
  const files = generator.files();
  const drift = driftOf(files, generator.dir, generator.owns);
  const dryRun = flags.switches.has("dry-run");
  if (!dryRun) apply(files, generator.dir, drift);
  const changes = drift.missing.length + drift.changed.length + drift.extra.length;
  if (flags.switches.has("json")) {
    console.log(JSON.stringify({ dryRun, upToDate: changes === 0, ...drift }));
  } else {
    const verb = dryRun ? "would" : "did";
    for (const f of drift.missing) console.log(`${verb} create ${generator.label}/${f}`);
    for (const f of drift.changed) console.log(`${verb} update ${generator.label}/${f}`);
    for (const f of drift.extra) console.log(`${verb} remove ${generator.label}/${f}`);
    console.log(changes === 0 ? `${generator.label}/ is up to date` : `${changes} file(s) ${dryRun ? "out of date" : "written"}`);
  }
  return dryRun && changes > 0 ? 1 : 0;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, base) : [relative(base, path).split("\\").join("/")];
  });
}

function apply(files: Readonly<Record<string, string>>, dir: string, drift: Drift): void {
  for (const file of [...drift.missing, ...drift.changed]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), files[file]!);
  }
  for (const file of drift.extra) {
    rmSync(join(dir, file));
    removeEmptyParents(dirname(join(dir, file)), dir);
  }
}

function removeEmptyParents(path: string, stop: string): void {
  if (path === stop || !path.startsWith(stop) || readdirSync(path).length > 0) return;
  rmSync(path, { recursive: true });
  removeEmptyParents(dirname(path), stop);
}
