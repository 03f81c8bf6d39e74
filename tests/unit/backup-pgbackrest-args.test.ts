import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { backupArgs, parseTargetTime, restoreArgs, type RestoreRequest } from "../../scripts/backup/pgbackrest-args.js";
import { parseFileProgress } from "../../scripts/backup/pgbackrest-progress.js";
import { parseStanzaInfo } from "../../scripts/backup/pgbackrest-info.js";
import { pgbackrestFromEnv } from "../../scripts/backup/pgbackrest.js";

const target = { configPath: "/etc/pgbackrest/pgbackrest.conf", stanza: "main" };
const request: RestoreRequest = { dataDir: "/restore/data", target: { kind: "latest" }, delta: false, force: false, archiveOff: false };

describe("pgBackRest command lines", () => {
  it("backs up with the type asked for, logging file progress", () => {
    expect(backupArgs(target, "diff")).toEqual(["--config=/etc/pgbackrest/pgbackrest.conf", "--stanza=main", "--type=diff", "--log-level-console=detail", "backup"]);
  });

  it("promotes at every explicit target, since pause acts like shutdown with hot_standby=off", () => {
    const time = restoreArgs(target, { ...request, target: { kind: "time", time: "2026-01-01 10:00:00.000000+00" }, set: "20260101-000000F" });
    expect(time).toEqual(expect.arrayContaining(["--type=time", "--target=2026-01-01 10:00:00.000000+00", "--target-action=promote", "--set=20260101-000000F", "--pg1-path=/restore/data", "--reset-pg1-host"]));
    expect(restoreArgs(target, { ...request, target: { kind: "name", name: "backup-x" } })).toEqual(expect.arrayContaining(["--type=name", "--target=backup-x", "--target-action=promote"]));
    const latest = restoreArgs(target, request);
    expect(latest).toContain("--type=default");
    expect(latest.some((a) => a.startsWith("--target"))).toBe(false);
    expect(latest.at(-1)).toBe("restore");
  });

  it("adds --archive-mode=off only for drills and side-by-side restores, and --delta/--force only when asked", () => {
    expect(restoreArgs(target, request)).not.toContain("--archive-mode=off");
    expect(restoreArgs(target, { ...request, archiveOff: true })).toContain("--archive-mode=off");
    expect(restoreArgs(target, { ...request, delta: true })).toContain("--delta");
    expect(restoreArgs(target, { ...request, force: true })).toEqual(expect.arrayContaining(["--delta", "--force"]));
    expect(restoreArgs(target, request)).not.toContain("--delta");
  });
});

describe("recovery target time", () => {
  it("converts an RFC 3339 time with an offset to UTC in PostgreSQL's form", () => {
    expect(parseTargetTime("2026-03-01T14:05:06.25+02:00")).toEqual({ given: "2026-03-01T14:05:06.25+02:00", postgres: "2026-03-01 12:05:06.250000+00", epochMs: Date.parse("2026-03-01T12:05:06.250Z") });
    expect(parseTargetTime("2026-01-01T00:30:00-05:30").postgres).toBe("2026-01-01 06:00:00.000000+00");
    expect(parseTargetTime("2026-01-01 00:00:00Z").postgres).toBe("2026-01-01 00:00:00.000000+00");
  });

  it("refuses a time without an offset, naming the flag and the expected form", () => {
    expect(() => parseTargetTime("2026-01-01T12:00:00")).toThrow(/--to-time: got '2026-01-01T12:00:00'; expected an RFC 3339 time with an offset/);
    expect(() => parseTargetTime("yesterday")).toThrow(/--to-time/);
    expect(() => parseTargetTime("2026-02-30T12:00:00Z")).toThrow(/does not exist/);
  });

  it("agrees with Date.parse on every instant and offset", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }), fc.integer({ min: -14 * 4, max: 14 * 4 }), (ms, quarters) => {
        const offset = quarters * 15;
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? "-" : "+";
        const abs = Math.abs(offset);
        const rfc = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
        const parsed = parseTargetTime(rfc);
        expect(parsed.epochMs).toBe(Date.parse(rfc));
        expect(Date.parse(parsed.postgres.replace(" ", "T").replace(/\+00$/, "Z"))).toBe(ms);
      }),
    );
  });
});

describe("pgBackRest output", () => {
  it("reads file progress from detail lines", () => {
    expect(parseFileProgress("2026-11-23 15:22:04.560 P01 DETAIL: backup file /pg/base/5/16384 (390.9MB, 99.80%) checksum de5f")).toEqual({ bytes: Math.round(390.9 * 1024 ** 2), percent: 99.8 });
    expect(parseFileProgress("2026-11-23 15:22:04.560 P01 DETAIL: restore file /pg/PG_VERSION (3B, 0.01%) checksum x")).toEqual({ bytes: 3, percent: 0.01 });
    expect(parseFileProgress("2026-11-23 15:48:52.066 P01 DETAIL: backup file /pg/postgresql.conf (bundle 1/0, 29.0KB, 94.59%) checksum 75f8")).toEqual({ bytes: 29 * 1024, percent: 94.59 });
    expect(parseFileProgress("P00 DETAIL: reference pg_data/PG_VERSION to 20261123-152154F")).toBeUndefined();
  });

  it("parses info JSON, keeping annotations and sizes", () => {
    const text = JSON.stringify([
      {
        name: "main",
        cipher: "aes-256-cbc",
        status: { code: 0, message: "ok" },
        archive: [{ max: "000000010000000000000003" }],
        backup: [
          {
            label: "20261123-152145F",
            type: "full",
            error: false,
            annotation: { a: "b" },
            timestamp: { start: 10, stop: 20 },
            info: { size: 1000, repository: { delta: 100, size: 100 } },
          },
        ],
      },
    ]);
    expect(parseStanzaInfo(text, "main")).toEqual({
      statusCode: 0,
      statusMessage: "ok",
      cipher: "aes-256-cbc",
      archiveMax: "000000010000000000000003",
      backups: [{ label: "20261123-152145F", type: "full", startTime: 10, stopTime: 20, databaseBytes: 1000, repositoryBytes: 100, error: false, annotations: { a: "b" } }],
    });
    expect(() => parseStanzaInfo(text, "other")).toThrow(/does not list stanza 'other'/);
  });
});

describe("pgBackRest info of a repository it cannot read", () => {
  it("parses despite the raw bytes pgBackRest copies into its message, and reports the repository's own status", () => {
    const garbage = "\u0007\u0001\u001b\u0000";
    const message = `[FormatError] unable to load info file '/repo/backup/main/backup.info':\\nFormatError: key/value found outside of section at line 1: ${garbage}`;
    const text = `[{"archive":[],"backup":[],"cipher":"aes-256-cbc","db":[],"name":"main","repo":[{"cipher":"aes-256-cbc","key":1,"status":{"code":99,"message":"${message}"}}],"status":{"code":99,"lock":{"backup":{"held":false}},"message":"other"}}]\n`;
    expect(() => JSON.parse(text)).toThrow();
    const info = parseStanzaInfo(text, "main");
    expect(info.statusCode).toBe(99);
    expect(info.statusMessage).toMatch(/^\[FormatError\] unable to load info file '\/repo\/backup\/main\/backup\.info'/);
  });
});

describe("pgBackRest environment", () => {
  const target = { configPath: "/etc/pgbackrest/pgbackrest.conf", stanza: "main" };
  const secretDir = mkdtempSync(join(tmpdir(), "pgbackrest-env-"));
  afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

  it("reads its secrets from *_FILE, passes pgBackRest's own *_FILE options on, and keeps our settings out", () => {
    const cipherFile = join(secretDir, "cipher");
    writeFileSync(cipherFile, "cipher-from-a-file-0123456789\n");
    const { env } = pgbackrestFromEnv(
      { PGBACKREST_REPO1_CIPHER_PASS_FILE: cipherFile, PGBACKREST_PG1_HOST_CA_FILE: "/etc/pgbackrest/tls/ca.crt", PGBACKREST_CONFIG: "/x.conf", PGBACKREST_BIN: "/opt/pgbackrest", PATH: "/bin" },
      target,
    );
    expect(env).toMatchObject({ PGBACKREST_REPO1_CIPHER_PASS: "cipher-from-a-file-0123456789", PGBACKREST_PG1_HOST_CA_FILE: "/etc/pgbackrest/tls/ca.crt", PATH: "/bin" });
    for (const name of ["PGBACKREST_REPO1_CIPHER_PASS_FILE", "PGBACKREST_CONFIG", "PGBACKREST_BIN"]) expect(env, name).not.toHaveProperty(name);
  });
});
