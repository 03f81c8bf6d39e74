import { describe, expect, it } from "vitest";
import { PGBACKREST_CONFIG_PATH, pgbackrestTopology, type PgbackrestTopologyInput } from "../../stacks/backup/pgbackrest-topology.js";

const input: PgbackrestTopologyInput = {
  stanza: "main",
  repository: { type: "s3", bucket: "acme-backups", endpoint: "s3.eu-central-1.amazonaws.com", region: "eu-central-1", path: "/pgbackrest/prod-15", uriStyle: "host", keyType: "shared", verifyTls: true },
  retention: { fullDays: 28, diffCount: 7 },
  platform: "kubernetes",
  databaseHost: "db.supabase.svc.cluster.local",
};

describe("pgBackRest topology", () => {
  it("on Kubernetes, serves the cluster over mutual TLS to the backup jobs", () => {
    const topology = pgbackrestTopology(input);
    expect(topology.databaseConf).toMatch(/^tls-server-auth=supabase-backup=main$/m);
    expect(topology.databaseConf).toMatch(/^pg1-path=\/var\/lib\/postgresql\/data$/m);
    expect(topology.databaseConf).not.toMatch(/^pg1-host=/m);
    expect(topology.jobConf).toMatch(/^pg1-host=db\.supabase\.svc\.cluster\.local$/m);
    expect(topology.jobConf).toMatch(/^pg1-host-cert-file=\/etc\/pgbackrest\/tls\/client\.crt$/m);
    expect(topology.jobConf).not.toMatch(/^tls-server/m);
    expect(topology.archiveSettings["archive_command"]).toBe(`pgbackrest --config=${PGBACKREST_CONFIG_PATH} --stanza=main archive-push %p`);
  });

  it("on a Docker host, both sides use the shared volumes", () => {
    const topology = pgbackrestTopology({ ...input, platform: "docker", repository: { type: "posix", path: "/var/lib/pgbackrest" } });
    expect(topology.jobConf).toBe(topology.databaseConf);
    expect(topology.jobConf).not.toMatch(/tls/);
  });
});
