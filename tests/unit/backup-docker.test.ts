import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { OPS_UID } from "../../stacks/backup/schedule.js";
import { REPO_ROOT } from "../../stacks/stack-files.js";
import { IMAGES } from "../../stacks/versions.js";

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");
const argDefault = (dockerfile: string, name: string): string | undefined => new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1];

/** Local files a TypeScript entry point imports, transitively, relative to the repository root. */
function importClosure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of read(file).matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
      const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), match[1]!.replace(/\.js$/, ".ts")));
      queue.push(target);
    }
  }
  return seen;
}

describe("docker/postgres-pgbackrest", () => {
  const dockerfile = read("docker/postgres-pgbackrest/Dockerfile");

  it("builds on exactly the supabase/postgres image the stacks deploy", () => {
    const [repository, tag] = IMAGES.postgres.split(":");
    expect(argDefault(dockerfile, "POSTGRES_IMAGE_TAG")).toBe(tag);
    expect(dockerfile).toMatch(new RegExp(`^FROM ${repository}:\\$\\{POSTGRES_IMAGE_TAG\\}$`, "m"));
  });

  it("installs the same pinned pgBackRest as the ops image, without postgresql-common", () => {
    const version = argDefault(dockerfile, "PGBACKREST_VERSION");
    expect(version).toMatch(/^\d+\.\d+(\.\d+)?$/);
    expect(argDefault(read("docker/ops/Dockerfile"), "PGBACKREST_VERSION")).toBe(version);
    expect(dockerfile).toContain("grep -v -x -e postgresql-common");
  });
});

describe("docker/ops", () => {
  const dockerfile = read("docker/ops/Dockerfile");

  it("carries the tools the CLIs run and runs as the CronJobs' non-root user under tini", () => {
    for (const tool of ["postgresql-client-15", "postgresql-15", "pgbackrest=", "redis-tools", "tini", "supercronic"]) expect(dockerfile).toContain(tool);
    expect(argDefault(dockerfile, "OPS_UID")).toBe(String(OPS_UID));
    expect(dockerfile).toMatch(/^USER \$\{OPS_UID\}:\$\{OPS_UID\}$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["tini", "--"\]$/m);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  it("copies every file the backup, restore and drill CLIs import", () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--)(\S+)/gm)].map((m) => m[1]!.replace(/\/$/, ""));
    const closure = importClosure(["scripts/backup.ts", "scripts/restore.ts", "scripts/backup-verify.ts"]);
    for (const file of closure) {
      expect(existsSync(join(REPO_ROOT, file)), file).toBe(true);
      expect(copied.some((c) => file === c || file.startsWith(`${c}/`)), `${file} is not copied into the ops image`).toBe(true);
    }
  });
});
