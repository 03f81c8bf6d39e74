import { describe, expect, it } from "vitest";
import { aofFromRdb, parseAofManifest } from "../../scripts/backup/aof-manifest.js";
import { databaseFromEnv } from "../../scripts/lib/database-target.js";
import { decodeAnnotations, encodeAnnotations } from "../../scripts/backup/counts-annotation.js";
import { parseDestination } from "../../scripts/backup/destination.js";
import { buildManifest, parseManifest, sha256sums } from "../../scripts/backup/manifest.js";
import { formatBytes, progressLine, progressReporter } from "../../scripts/backup/progress.js";
import { keyCounts, parseRedisInfo, saveState } from "../../scripts/backup/redis-info.js";
import { idempotentRoles } from "../../scripts/backup/roles-sql.js";
import { compareCounts } from "../../scripts/backup/row-counts.js";

describe("roles file", () => {
  it("turns each CREATE ROLE into a block that skips an existing role and keeps the ALTER with the password", () => {
    const dumped = ["SET default_transaction_read_only = off;", "CREATE ROLE anon;", "ALTER ROLE anon WITH NOLOGIN;", 'CREATE ROLE "App User";', "ALTER ROLE \"App User\" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc';"].join("\n");
    const out = idempotentRoles(dumped).split("\n");
    expect(out[1]).toBe("DO $restore_role$ BEGIN CREATE ROLE anon; EXCEPTION WHEN duplicate_object THEN RAISE NOTICE 'role % exists; updating it', 'anon'; END $restore_role$;");
    expect(out[3]).toContain('CREATE ROLE "App User";');
    expect(out[4]).toBe(dumped.split("\n")[4]);
    expect(out[0]).toBe("SET default_transaction_read_only = off;");
  });
});

describe("restore point annotations", () => {
  it("round-trip row counts through chunks short enough for a command line", () => {
    const counts = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`schema_${i % 7}.table_with_a_long_name_${i}`, i * 31]));
    const point = { name: "backup-20260101-000000F", database: "postgres", createdAt: "2026-01-01T00:00:00.000Z", counts };
    const annotations = encodeAnnotations(point);
    expect(Object.keys(annotations).length).toBeGreaterThan(2);
    for (const value of Object.values(annotations)) expect(value.length).toBeLessThanOrEqual(60_000);
    expect(decodeAnnotations(annotations)).toEqual(point);
    expect(decodeAnnotations({ other: "x" })).toBeUndefined();
  });
});

describe("row count comparison", () => {
  it("names tables that differ or exist on one side only", () => {
    expect(compareCounts({ "public.a": 1, "public.b": 2 }, { "public.a": 1, "public.b": 3, "public.c": 0 })).toEqual([
      { table: "public.b", expected: 2, actual: 3 },
      { table: "public.c", expected: undefined, actual: 0 },
    ]);
  });
});

describe("manifest", () => {
  it("lists sha256 sums in sha256sum -c form and rejects damaged or foreign manifests", () => {
    const manifest = buildManifest({
      kind: "logical",
      id: "20260101T000000.000Z",
      createdAt: "2026-01-01T00:00:00.000Z",
      completedAt: "2026-01-01T00:01:00.000Z",
      verified: true,
      checks: ["pg_restore --list"],
      keyFingerprint: "0123456789abcdef",
      files: [{ path: "dump/toc.dat", plainBytes: 10, storedBytes: 50, sha256: "a".repeat(64) }],
      source: { database: "postgres" },
    });
    expect(sha256sums(manifest)).toBe(`${"a".repeat(64)}  dump/toc.dat\n`);
    expect(parseManifest(JSON.stringify(manifest), "m")).toEqual(manifest);
    expect(() => parseManifest(JSON.stringify({ ...manifest, files: [{ path: "../etc/passwd", sha256: "a".repeat(64) }] }), "m")).toThrow(/damaged file list/);
    expect(() => parseManifest("{}", "m")).toThrow(/format/);
  });
});

describe("destinations", () => {
  it("reads s3://bucket/prefix and directories, and refuses other schemes", () => {
    expect(parseDestination("s3://acme-backups/supabase/prod/")).toEqual({ kind: "s3", bucket: "acme-backups", prefix: "supabase/prod" });
    expect(parseDestination("backups", "/srv")).toEqual({ kind: "local", dir: "/srv/backups" });
    expect(() => parseDestination("gs://bucket/x")).toThrow(/unsupported scheme/);
    expect(() => parseDestination("s3://A_B/x")).toThrow(/not an S3 bucket name/);
  });
});

describe("database settings", () => {
  it("splits DATABASE_URL into libpq variables so the password never reaches a command line", () => {
    const target = databaseFromEnv({ DATABASE_URL: "postgresql://supabase_admin:s%40cret@db.internal:6543/postgres?sslmode=require" });
    expect(target.libpqEnv).toEqual({ PGHOST: "db.internal", PGPORT: "6543", PGUSER: "supabase_admin", PGPASSWORD: "s@cret", PGDATABASE: "postgres", PGSSLMODE: "require" });
    expect(target.description).toBe("supabase_admin@db.internal:6543/postgres");
    expect(() => databaseFromEnv({})).toThrow(/set DATABASE_URL/);
    expect(() => databaseFromEnv({ DATABASE_URL: "mysql://x@y/z" })).toThrow(/scheme 'mysql:'/);
  });
});

describe("progress lines", () => {
  it("show bytes, total, rate and ETA, at most every interval", () => {
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(progressLine("upload", 50 * 1024 ** 2, 200 * 1024 ** 2, 10_000)).toBe("upload: 50.0 MiB of 200.0 MiB (25.0%), 5.0 MiB/s, ETA 30s");
    let t = 0;
    const lines: string[] = [];
    const reporter = progressReporter("x", (l) => lines.push(l), 5000, () => t);
    for (t = 0; t <= 12_000; t += 1000) reporter.update(t, 20_000);
    reporter.finish();
    expect(lines).toHaveLength(3);
  });
});

describe("Redis persistence", () => {
  const info = (fields: Record<string, string>) => parseRedisInfo(`# Persistence\r\n${Object.entries(fields).map(([k, v]) => `${k}:${v}`).join("\r\n")}\r\n`);

  it("knows a BGSAVE is done only when LASTSAVE moved on and the save succeeded", () => {
    expect(saveState(info({ rdb_bgsave_in_progress: "1", rdb_last_bgsave_status: "ok" }), 100, 100)).toBe("running");
    expect(saveState(info({ rdb_bgsave_in_progress: "0", rdb_last_bgsave_status: "ok" }), 100, 100)).toBe("running");
    expect(saveState(info({ rdb_bgsave_in_progress: "0", rdb_last_bgsave_status: "ok" }), 101, 100)).toBe("done");
    expect(saveState(info({ rdb_bgsave_in_progress: "0", rdb_last_bgsave_status: "err" }), 100, 100)).toBe("failed");
  });

  it("counts keys per database from INFO keyspace", () => {
    expect(keyCounts(parseRedisInfo("# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\ndb2:keys=10,expires=1,avg_ttl=5\r\n"))).toEqual({ db0: 3, db2: 10 });
  });

  it("builds an AOF whose base is the restored RDB, and reads AOF manifests", () => {
    const aof = aofFromRdb("appendonly.aof");
    expect(aof.manifest).toBe("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    expect(parseAofManifest(aof.manifest)).toEqual([{ name: "appendonly.aof.1.base.rdb", type: "b" }, { name: "appendonly.aof.1.incr.aof", type: "i" }]);
    expect(() => parseAofManifest("file ../x seq 1 type b")).toThrow(/not understood/);
  });
});
