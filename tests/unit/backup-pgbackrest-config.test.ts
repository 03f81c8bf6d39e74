import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PGBACKREST_DEFAULTS,
  postgresArchiveArgs,
  postgresArchiveSettings,
  renderPgbackrestConf,
  type PgbackrestConfig,
} from "../../scripts/backup/pgbackrest-config.js";

const local: PgbackrestConfig = {
  ...PGBACKREST_DEFAULTS,
  repository: { type: "posix", path: "/var/lib/pgbackrest" },
  cluster: { kind: "local", dataDir: "/var/lib/postgresql/data", port: 5432, socketDir: "/var/run/postgresql", user: "supabase_admin" },
};

const s3: PgbackrestConfig = {
  ...local,
  repository: { type: "s3", bucket: "acme-backups", endpoint: "minio.internal:9000", region: "eu-west-1", path: "/pgbackrest/prod-15", uriStyle: "path", keyType: "shared", verifyTls: true },
  cluster: {
    kind: "tls",
    host: "postgres.supabase.svc",
    serverPort: 8432,
    dataDir: "/var/lib/postgresql/data",
    port: 5432,
    socketDir: "/var/run/postgresql",
    user: "supabase_admin",
    certFile: "/etc/pgbackrest/tls/client.crt",
    keyFile: "/etc/pgbackrest/tls/client.key",
    caFile: "/etc/pgbackrest/tls/ca.crt",
  },
};

function section(conf: string, name: string): string[] {
  const blocks = conf.split(/\n(?=\[)/);
  const block = blocks.find((b) => b.startsWith(`[${name}]\n`));
  if (!block) throw new Error(`no [${name}] in\n${conf}`);
  return block.trim().split("\n").slice(1);
}

describe("pgbackrest.conf", () => {
  it("encrypts, compresses with zstd, keeps full backups by time and expires automatically", () => {
    const global = section(renderPgbackrestConf(local), "global");
    expect(global).toEqual(
      expect.arrayContaining([
        "repo1-type=posix",
        "repo1-path=/var/lib/pgbackrest",
        "repo1-cipher-type=aes-256-cbc",
        "compress-type=zst",
        "repo1-retention-full-type=time",
        "repo1-retention-full=28",
        "repo1-retention-diff=7",
        "expire-auto=y",
        "start-fast=y",
        "archive-copy=y",
        "archive-async=y",
      ]),
    );
  });

  it("renders the stanza for a local cluster and for a TLS server beside it", () => {
    expect(section(renderPgbackrestConf(local), "main")).toEqual(["pg1-path=/var/lib/postgresql/data", "pg1-port=5432", "pg1-socket-path=/var/run/postgresql", "pg1-user=supabase_admin"]);
    const stanza = section(renderPgbackrestConf(s3), "main");
    expect(stanza).toEqual(expect.arrayContaining(["pg1-host=postgres.supabase.svc", "pg1-host-type=tls", "pg1-host-ca-file=/etc/pgbackrest/tls/ca.crt"]));
    expect(section(renderPgbackrestConf(s3), "global")).toEqual(expect.arrayContaining(["repo1-type=s3", "repo1-s3-bucket=acme-backups", "repo1-s3-uri-style=path", "repo1-s3-key-type=shared"]));
  });

  it("sets process-max per command", () => {
    const conf = renderPgbackrestConf(local);
    expect(section(conf, "global:backup")).toEqual(["process-max=4"]);
    expect(section(conf, "global:restore")).toEqual(["process-max=8"]);
    expect(section(conf, "global:archive-push")).toEqual(["process-max=4"]);
  });

  it("never holds a secret: the cipher pass and S3 keys come from PGBACKREST_* variables", () => {
    for (const conf of [renderPgbackrestConf(local), renderPgbackrestConf(s3)]) {
      expect(conf).not.toMatch(/cipher-pass|s3-key=|s3-key-secret|password/i);
    }
  });

  it("lists every problem of an invalid configuration at once", () => {
    const bad = { ...local, stanza: "main stanza", retention: { fullDays: 0, diffCount: 1.5 }, logPath: "relative/log" };
    expect(() => renderPgbackrestConf(bad)).toThrow(/stanza: got 'main stanza'[\s\S]*retention.fullDays[\s\S]*retention.diffCount[\s\S]*logPath/);
  });

  it("refuses line breaks in any value, which would inject settings", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("\n", "\r"), fc.string(), (before, br, after) => {
        expect(() => renderPgbackrestConf({ ...local, repository: { type: "posix", path: `/repo${before}${br}${after}` } })).toThrow(/line break/);
      }),
    );
  });
});

describe("archive settings for the cluster", () => {
  it("archives every WAL segment through pgBackRest within 60 seconds", () => {
    const settings = postgresArchiveSettings("main", "/etc/pgbackrest/pgbackrest.conf");
    expect(settings).toEqual({
      archive_mode: "on",
      archive_command: "pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=main archive-push %p",
      archive_timeout: "60s",
    });
    expect(postgresArchiveArgs(settings)).toEqual(["-c", "archive_mode=on", "-c", `archive_command=${settings["archive_command"]}`, "-c", "archive_timeout=60s"]);
  });

  it("refuses a config path the command line would split or quote wrongly", () => {
    expect(() => postgresArchiveSettings("main", "/etc/pg backrest.conf")).toThrow(/configPath/);
    expect(() => postgresArchiveSettings("main", "relative.conf")).toThrow(/configPath/);
  });
});
