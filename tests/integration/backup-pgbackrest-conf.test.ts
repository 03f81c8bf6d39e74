import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pgbackrestTopology } from "../../stacks/backup/pgbackrest-topology.js";
import { requireBinary } from "../support/binaries.js";

describe("rendered pgbackrest.conf on the real pgBackRest", () => {
  const work = mkdtempSync(join(tmpdir(), "pgbackrest-conf-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("accepts every option we render, for both sides of both platforms", () => {
    const pgbackrest = requireBinary("pgbackrest", "pgbackrest");
    const s3 = { type: "s3", bucket: "acme-backups", endpoint: "s3.eu-central-1.amazonaws.com", region: "eu-central-1", path: "/pgbackrest/prod-15", uriStyle: "host", keyType: "shared", verifyTls: true } as const;
    const confs = [
      pgbackrestTopology({ stanza: "main", repository: s3, retention: { fullDays: 28, diffCount: 7 }, platform: "kubernetes", databaseHost: "db.supabase.svc" }),
      pgbackrestTopology({ stanza: "main", repository: { type: "posix", path: "/var/lib/pgbackrest" }, retention: { fullDays: 7, diffCount: 3 }, platform: "docker", databaseHost: "db" }),
    ].flatMap((t) => [t.databaseConf, t.jobConf]);
    for (const [i, conf] of confs.entries()) {
      const path = join(work, `${i}.conf`);
      writeFileSync(path, conf);
      const run = spawnSync(pgbackrest, [`--config=${path}`, "--stanza=main", "--repo1-type=posix", `--repo1-path=${join(work, `repo-${i}`)}`, `--lock-path=${work}`, "--log-level-file=off", "--log-level-console=warn", "--output=json", "info"], {
        encoding: "utf8",
        env: { PATH: process.env["PATH"], PGBACKREST_REPO1_CIPHER_PASS: "x".repeat(40) },
      });
      expect(run.stderr, conf).toBe("");
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)[0].status.message).toMatch(/missing stanza path/);
    }
  });
});
