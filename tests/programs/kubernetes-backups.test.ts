import { beforeAll, describe, expect, it } from "vitest";
import { PGBACKREST_CLIENT_CN } from "../../stacks/backup/pgbackrest-topology.js";
import { BACKUP_SECRET_ENV } from "../../stacks/backup/backup-secrets.js";
import type { StackOutputs } from "../../stacks/program.js";
import { readStackConfig } from "../../stacks/stack-files.js";
import { runMocked, valueOf, type MockedRun, type Recorded } from "../support/harness.js";
import { plaintextSecrets } from "../support/inspect.js";
import { kubernetesObjects, validateKubernetesObject } from "../support/kubernetes.js";


/** `key=value` lines of a pgbackrest.conf, sections ignored. */
const confValues = (text: string): Record<string, string> =>
  Object.fromEntries(text.split("\n").filter((l) => /^[\w-]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe.each(["staging", "prod"] as const)("backups on kubernetes (%s) under Pulumi mocks", (stack) => {
  let run: MockedRun<StackOutputs>;
  let objects: Recorded[];
  let secrets: string[];
  const raw = readStackConfig(stack).raw;
  const registry = raw["backup"] as { imageRegistry: string; serviceAccountAnnotations: Record<string, string> };
  const DB_HOST = `db.${String(raw["namespace"])}.svc.cluster.local`;
  const ofKind = (kind: string) => objects.filter((o) => o.inputs.kind === kind);
  const named = (kind: string, name: string): Recorded => {
    const found = ofKind(kind).find((o) => o.inputs.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const stringData = (secret: Recorded): Record<string, string> => secret.inputs.stringData ?? {};
  const secretByName = (name: string) => stringData(named("Secret", name));
  const configMapByName = (name: string): Record<string, string> => named("ConfigMap", name).inputs.data;
  const pushed = () => run.resources.filter((r) => r.type === "docker:index/image:Image");
  const postgresPod = () => named("StatefulSet", "db").inputs.spec.template.spec;
  const containerNamed = (name: string) => (postgresPod().containers as any[]).find((c) => c.name === name);
  const volumeOf = (mountPath: string, containerName: string) => {
    const mount = (containerNamed(containerName).volumeMounts as any[]).find((m) => m.mountPath === mountPath);
    return { mount, volume: (postgresPod().volumes as any[]).find((v) => v.name === mount?.name) };
  };
  const mountedText = (mountPath: string, containerName: string): string => {
    const { mount, volume } = volumeOf(mountPath, containerName);
    const source = volume.secret ? secretByName(volume.secret.secretName) : configMapByName(volume.configMap.name);
    return source[mount.subPath] ?? "";
  };

  beforeAll(async () => {
    run = await runMocked(
      async () => {
        const { createStack } = await import("../../stacks/program.js");
        return createStack();
      },
      { stack },
    );
    objects = kubernetesObjects(run.resources);
    const serviceRoleKey = (await valueOf(run.result.serviceRoleKey)) ?? "";
    secrets = [...run.generated, serviceRoleKey].filter((s) => s.length >= 16);
  });

  it("builds the pgbackrest Postgres image and the ops image and pushes both to the configured registry", () => {
    expect(pushed().map((p) => p.inputs.imageName).sort()).toEqual([
      expect.stringMatching(new RegExp(`^${registry.imageRegistry}/supabase-ops:[a-f0-9]{16}$`)),
      expect.stringMatching(new RegExp(`^${registry.imageRegistry}/supabase-postgres-pgbackrest:[a-f0-9]{16}$`)),
    ]);
    for (const p of pushed()) {
      expect(p.inputs.skipPush).toBe(false);
      expect(p.provider).toMatch(/::pulumi:providers:docker::/);
    }
    const postgresImage = pushed().find((p) => String(p.inputs.imageName).includes("postgres-pgbackrest"))!.inputs.repoDigest;
    expect(postgresImage).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(containerNamed("postgres").image).toBe(postgresImage);
    expect(containerNamed("pgbackrest").image).toBe(postgresImage);
  });

  it("archives WAL from the database container through pgbackrest, the cipher pass from a Secret", () => {
    const postgres = containerNamed("postgres");
    expect(postgres.args).toEqual(expect.arrayContaining(["archive_mode=on", "archive_command=pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=main archive-push %p"]));
    const cipher = (postgres.env as any[]).find((e) => e.name === "PGBACKREST_REPO1_CIPHER_PASS");
    expect(cipher.value).toBeUndefined();
    expect(cipher.valueFrom.secretKeyRef.name).toBeTruthy();
  });

  it("runs pgbackrest server beside PostgreSQL on the data volume (read-only) and a shared socket directory, with its own certificate", () => {
    const server = containerNamed("pgbackrest");
    expect(server.command).toEqual(["pgbackrest", "server"]);
    expect(server.ports).toEqual([{ name: "pgbackrest", containerPort: 8432, protocol: "TCP" }]);
    expect(server.readinessProbe.tcpSocket.port).toBe("pgbackrest");
    expect(server.livenessProbe.tcpSocket.port).toBe("pgbackrest");
    expect(server.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(server.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(volumeOf("/var/lib/postgresql", "pgbackrest").mount.readOnly).toBe(true);
    const socket = volumeOf("/var/run/postgresql", "pgbackrest");
    expect(socket.volume.emptyDir).toBeDefined();
    expect(volumeOf("/var/run/postgresql", "postgres").volume).toBe(socket.volume);
    const claims = named("StatefulSet", "db").inputs.spec.volumeClaimTemplates.map((c: any) => c.metadata.name);
    expect(claims).toEqual(["data", "pgsodium"]);
    expect(postgresPod().securityContext.fsGroup).toBeGreaterThan(0);
    for (const file of ["ca.crt", "server.crt", "server.key"]) {
      expect(volumeOf(`/etc/pgbackrest/tls/${file}`, "pgbackrest").volume.secret, file).toMatchObject({ defaultMode: 0o440 });
      expect(mountedText(`/etc/pgbackrest/tls/${file}`, "pgbackrest"), file).toMatch(/^-----BEGIN /);
    }
    const serverConf = confValues(mountedText("/etc/pgbackrest/pgbackrest.conf", "pgbackrest"));
    expect(serverConf).toMatchObject({ "tls-server-address": "*", "tls-server-port": "8432", "tls-server-auth": `${PGBACKREST_CLIENT_CN}=main` });
    const service = named("Service", "db").inputs.spec.ports;
    expect(service).toEqual(expect.arrayContaining([{ name: "pgbackrest", port: 8432, targetPort: "pgbackrest", protocol: "TCP" }]));
  });

  it("issues a private CA, a server certificate for every name of the database Service and a client certificate whose name the server authorizes", () => {
    const ca = run.resources.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")!;
    expect(ca.inputs).toMatchObject({ isCaCertificate: true, allowedUses: expect.arrayContaining(["cert_signing"]) });
    const requests = run.resources.filter((r) => r.type === "tls:index/certRequest:CertRequest");
    const server = requests.find((r) => r.inputs.dnsNames)!;
    expect(server.inputs.dnsNames).toEqual(expect.arrayContaining(["db", DB_HOST]));
    expect(requests.find((r) => !r.inputs.dnsNames)!.inputs.subject.commonName).toBe(PGBACKREST_CLIENT_CN);
    const leaves = run.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert");
    expect(leaves.map((l) => l.inputs.allowedUses).flat()).toEqual(expect.arrayContaining(["server_auth", "client_auth"]));
    for (const leaf of leaves) expect(leaf.inputs.earlyRenewalHours).toBeGreaterThan(24 * 30);
    const keys = run.resources.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
    expect(keys).toHaveLength(3);
    for (const r of run.resources) {
      if (r.type === "tls:index/privateKey:PrivateKey") continue;
      expect(plaintextSecrets(r, keys.map((k) => k.inputs.privateKeyPem)).map((l) => `${r.urn} ${l.path}`)).toEqual([]);
    }
  });

  it("schedules the five jobs as CronJobs on the pushed ops image, reaching the database as TLS clients", async () => {
    const cronJobs = ofKind("CronJob");
    expect(cronJobs.map((c) => c.inputs.metadata.name).sort()).toEqual(["supabase-backup-logical", "supabase-backup-physical-diff", "supabase-backup-physical-full", "supabase-backup-redis", "supabase-restore-drill"]);
    const opsImage = pushed().find((p) => String(p.inputs.imageName).includes("supabase-ops"))!.inputs.repoDigest;
    for (const job of cronJobs) {
      await validateKubernetesObject(job);
      const pod = job.inputs.spec.jobTemplate.spec.template.spec;
      expect(pod.containers[0].image).toBe(opsImage);
      expect(pod.serviceAccountName).toBe("supabase-backup");
      expect(job.inputs.spec).toMatchObject({ concurrencyPolicy: "Forbid", timeZone: "Etc/UTC" });
    }
    const jobConf = confValues(configMapByName("supabase-backup-pgbackrest")["pgbackrest.conf"]!);
    expect(jobConf).toMatchObject({ "pg1-host": DB_HOST, "pg1-host-type": "tls", "pg1-host-port": "8432", "pg1-host-cert-file": "/etc/pgbackrest/tls/client.crt", "repo1-type": "s3" });
    expect(Object.keys(secretByName("supabase-backup-tls")).sort()).toEqual(["ca.crt", "client.crt", "client.key"]);
    const drill = cronJobs.find((c) => c.inputs.metadata.name === "supabase-restore-drill")!.inputs.spec.jobTemplate.spec.template.spec;
    const scratch = drill.volumes.find((v: any) => v.name === "scratch");
    expect(scratch.ephemeral.volumeClaimTemplate.spec.resources.requests.storage).toBe((raw["storage"] as any)?.postgres?.size ?? "10Gi");
  });

  it("gives every job only secrets that exist in the backup Secret, and binds the workload identity of the jobs and the database", () => {
    const data = secretByName("supabase-backup");
    for (const job of ofKind("CronJob")) {
      for (const env of job.inputs.spec.jobTemplate.spec.template.spec.containers[0].env as any[]) {
        const ref = env.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(Object.values(BACKUP_SECRET_ENV)).toContain(env.name);
        if (!ref.optional) expect(data[ref.key], `${job.inputs.metadata.name} ${env.name}`).toBeTruthy();
      }
    }
    expect(data["databaseUrl"]).toMatch(new RegExp(`^postgres(ql)?://supabase_admin:[^@]+@${DB_HOST.replaceAll(".", "\\.")}:5432/`));
    expect(named("ServiceAccount", "supabase-backup").inputs).toMatchObject({ metadata: { annotations: registry.serviceAccountAnnotations }, automountServiceAccountToken: false });
    expect(named("ServiceAccount", "db").inputs.metadata.annotations).toEqual(registry.serviceAccountAnnotations);
    const backupConfig = JSON.stringify(configMapByName("supabase-backup-pgbackrest"));
    for (const s of secrets) expect(backupConfig.includes(s)).toBe(false);
  });
});
