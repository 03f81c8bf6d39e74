import { isSecret } from "@pulumi/pulumi";
import { jwtVerify } from "jose";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENT_NAMES, SERVICE_NAMES, parseConfig, type StackConfig } from "../../stacks/config.js";
import { renderRealtimeLimitRules } from "../../stacks/monitoring/realtime-limit-rules.js";
import { stackPrometheusConfig } from "../../stacks/monitoring/stack-prometheus.js";
import { dockerAddressing } from "../../stacks/platforms/docker/addressing.js";
import { kubernetesAddressing } from "../../stacks/platforms/kubernetes/addressing.js";
import type { StackOutputs } from "../../stacks/program.js";
import { planServices } from "../../stacks/services/index.js";
import { readStackConfig, STACK_NAMES } from "../../stacks/stack-files.js";
import { IMAGES } from "../../stacks/versions.js";
import { runMocked, valueOf, type MockedRun, type Recorded } from "../support/harness.js";
import { plaintextSecrets, stringLeaves, underSecret } from "../support/inspect.js";
import { kubernetesObjects, validateKubernetesObject } from "../support/kubernetes.js";
import { documentedMounts, mountedFiles } from "../support/monitoring-mounts.js";
import { renderedContainers, type RenderedContainer } from "../support/workloads.js";

interface Evaluated {
  readonly run: MockedRun<StackOutputs>;
  readonly containers: RenderedContainer[];
  readonly tasks: RenderedContainer[];
  readonly secrets: string[];
  readonly anonKey: string;
  readonly serviceRoleKey: string;
}

async function evaluate(stack: (typeof STACK_NAMES)[number], preview = false, config: Record<string, unknown> = {}): Promise<Evaluated> {
  const run = await runMocked(
    async () => {
      const { createStack } = await import("../../stacks/program.js");
      return createStack();
    },
    { stack, preview, config },
  );
  const anonKey = (await valueOf(run.result.anonKey)) ?? "";
  const serviceRoleKey = (await valueOf(run.result.serviceRoleKey)) ?? "";
  return { run, containers: renderedContainers(run.resources).filter((c) => c.kind === "service"), tasks: renderedContainers(run.resources).filter((c) => c.kind === "task"), secrets: [...run.generated, anonKey, serviceRoleKey].filter((s) => s.length >= 16), anonKey, serviceRoleKey };
}

function container(e: Evaluated, service: string): RenderedContainer {
  const found = e.containers.find((c) => c.service === service);
  if (!found) throw new Error(`no container for ${service}`);
  return found;
}

/** Whether the file at `mountPath` reaches the container as a secret: a Secret volume, or a secret upload only its user reads. */
function fileIsSecret(c: RenderedContainer, mountPath: string): boolean {
  if (c.resource.type.startsWith("kubernetes:")) {
    const mount = (c.spec.volumeMounts as { name: string; mountPath: string }[]).find((m) => m.mountPath === mountPath);
    const volume = (c.resource.inputs.spec.template.spec.volumes as { name: string; secret?: unknown }[]).find((v) => v.name === mount?.name);
    return volume?.secret !== undefined;
  }
  const uploads = c.spec.uploads as { file: string; permissions: string }[];
  const index = uploads.findIndex((u) => u.file === mountPath);
  return index >= 0 && uploads[index]!.permissions === "0440" && underSecret(`uploads[${index}].content`, c.resource.secretPaths);
}

/** The stack's validated config and its platform's addressing, as the program computes them. */
function stackConfig(stack: (typeof STACK_NAMES)[number]): { config: StackConfig; addressing: ReturnType<typeof dockerAddressing> } {
  const config = parseConfig(readStackConfig(stack).raw, stack);
  return { config, addressing: config.platform === "kubernetes" ? kubernetesAddressing(config.namespace) : dockerAddressing() };
}

/** Every host:port Prometheus is configured to reach (alerting and static targets, DNS-discovered names), except itself and the probed public URL. */
function prometheusTargets(prometheusYml: string): { static: string[]; dns: { name: string; port: number }[] } {
  const doc = parse(prometheusYml) as {
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
  };
  const jobs = doc.scrape_configs.filter((j) => j.job_name !== "blackbox");
  return {
    static: [...doc.alerting.alertmanagers.flatMap((a) => a.static_configs), ...jobs.flatMap((j) => j.static_configs ?? [])]
      .flatMap((c) => c.targets)
      .filter((t) => !t.startsWith("localhost:")),
    dns: jobs.flatMap((j) => (j.dns_sd_configs ?? []).flatMap((d) => d.names.map((name) => ({ name, port: d.port })))),
  };
}

const ofKind = (e: Evaluated, kind: string): Recorded[] => kubernetesObjects(e.run.resources).filter((r) => r.inputs.kind === kind);

describe.each(STACK_NAMES)("stack %s under Pulumi mocks", (stack) => {
  let e: Evaluated;
  beforeAll(async () => {
    e = await evaluate(stack);
  });

  it("runs the six core services and every monitoring component", () => {
    expect(new Set(e.containers.map((c) => c.service))).toEqual(new Set(COMPONENT_NAMES));
    expect(e.containers).toHaveLength(COMPONENT_NAMES.length);
  });

  it("gives every resource a unique URN", () => {
    const urns = e.run.resources.map((r) => r.urn);
    expect(urns.filter((u, i) => urns.indexOf(u) !== i)).toEqual([]);
  });

  it("uses an explicit provider for every Kubernetes and Docker resource", () => {
    const platformResources = e.run.resources.filter((r) => r.custom && /^(kubernetes|docker):/.test(r.type));
    expect(platformResources.length).toBeGreaterThan(6);
    for (const r of platformResources) expect(r.provider, r.urn).toMatch(/::pulumi:providers:(kubernetes|docker)::/);
  });

  it("renders only valid Kubernetes objects", async () => {
    const objects = kubernetesObjects(e.run.resources);
    if (stack === "dev") expect(objects).toEqual([]);
    else expect(objects.length).toBeGreaterThan(12);
    for (const o of objects) await validateKubernetesObject(o);
  });

  it("never passes a generated secret in plaintext", () => {
    expect(e.secrets.length).toBeGreaterThanOrEqual(11);
    for (const r of e.run.resources) {
      if (r.type.startsWith("random:") || r.type === "tls:index/privateKey:PrivateKey") continue;
      expect(plaintextSecrets(r, e.secrets).map((l) => `${r.urn} ${l.path}`)).toEqual([]);
    }
  });

  it("keeps keys and passwords out of ConfigMaps", () => {
    for (const cm of e.run.resources.filter((r) => r.inputs?.kind === "ConfigMap")) {
      const text = stringLeaves(cm.inputs).map((l) => l.value).join("\n");
      for (const s of e.secrets) expect(text.includes(s), cm.urn).toBe(false);
      expect(text, cm.urn).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
    }
  });

  it("pins every image and gives every container probes and resources", () => {
    for (const c of e.containers) {
      expect(c.image, c.service).toMatch(/^[\w./-]+(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/);
      expect(c.image, c.service).toMatch(/[:@]/);
      expect(c.image, c.service).not.toMatch(/:latest\b/);
      if (stack === "dev") {
        expect(c.spec.healthcheck?.tests?.length, c.service).toBeGreaterThan(0);
        expect(c.spec.memory, c.service).toBeGreaterThan(0);
        expect(c.spec.restart, c.service).toBe("unless-stopped");
      } else {
        expect(c.spec.readinessProbe, c.service).toBeDefined();
        expect(c.spec.livenessProbe, c.service).toBeDefined();
        expect(c.spec.resources?.requests?.memory, c.service).toBeDefined();
        expect(c.spec.resources?.limits?.memory, c.service).toBeDefined();
      }
    }
  });

  it("gives GoTrue, PostgREST and Realtime the JWT secret that signs the gateway's keys", async () => {
    const secret = container(e, "auth").env["GOTRUE_JWT_SECRET"];
    expect(secret?.length).toBeGreaterThanOrEqual(40);
    expect(container(e, "rest").env["PGRST_JWT_SECRET"]).toBe(secret);
    expect(container(e, "realtime").env["API_JWT_SECRET"]).toBe(secret);
    const kongYml = Object.values(container(e, "kong").files).find((f) => f.includes("_format_version"));
    expect(kongYml).toBeDefined();
    const consumers = (parse(kongYml!) as { consumers: { username: string; keyauth_credentials?: { key: string }[] }[] }).consumers;
    const keys = Object.fromEntries(consumers.filter((c) => c.keyauth_credentials).map((c) => [c.username, c.keyauth_credentials![0]!.key]));
    expect(keys).toEqual({ anon: e.anonKey, service_role: e.serviceRoleKey });
    for (const [role, key] of Object.entries(keys)) {
      const { payload } = await jwtVerify(key, new TextEncoder().encode(secret), { issuer: "supabase" });
      expect(payload.role).toBe(role);
    }
  });

  it("bootstraps the database with the very passwords the services log in with", () => {
    expect(e.tasks.map((t) => t.service)).toEqual(["db-bootstrap"]);
    const bootstrap = e.tasks[0]!;
    const options = Object.fromEntries([...bootstrap.env["PGOPTIONS"]!.matchAll(/-c bootstrap\.(\w+)_password=(\S+)/g)].map((m) => [m[1], m[2]]));
    const passwordIn = (url: string) => decodeURIComponent(new URL(url).password);
    expect(options["authenticator"]).toBe(passwordIn(container(e, "rest").env["PGRST_DB_URI"]!));
    expect(options["supabase_auth_admin"]).toBe(passwordIn(container(e, "auth").env["GOTRUE_DB_DATABASE_URL"]!));
    expect(options["supabase_admin"]).toBe(container(e, "realtime").env["DB_PASSWORD"]);
    expect(bootstrap.env["PGPASSWORD"]).toBe(container(e, "postgres").env["POSTGRES_PASSWORD"]);
    const sqlFiles = Object.keys(bootstrap.files).filter((f) => f.startsWith("/bootstrap/"));
    expect(sqlFiles.length).toBeGreaterThanOrEqual(5);
  });

  it("routes Realtime to the tenant its gateway upstream names", () => {
    const tenant = container(e, "realtime").env["SELF_HOST_TENANT_NAME"];
    const kongYml = parse(Object.values(container(e, "kong").files).find((f) => f.includes("_format_version"))!) as { services: { url?: string; host?: string }[] };
    const hosts = kongYml.services.map((s) => (s.url ? new URL(s.url).hostname : s.host ?? ""));
    expect(hosts.filter((h) => h.split(".")[0] === tenant).length).toBeGreaterThan(0);
  });

  it("protects the database and keeps its data volumes outside the program's lifecycle", () => {
    const db = container(e, "postgres").resource;
    expect(db.options.protect).toBe(stack !== "dev");
    if (stack === "dev") {
      const volumes = e.run.resources.filter((r) => r.type === "docker:index/volume:Volume");
      expect(volumes.length).toBeGreaterThanOrEqual(3);
      for (const v of volumes) expect(v.options.retainOnDelete, v.urn).toBe(true);
    } else {
      expect(db.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    }
  });

  it("exports the API URL and keys, the service key as a secret", async () => {
    expect(e.run.result.apiUrl).toMatch(/^https?:\/\//);
    expect(e.anonKey).toMatch(/^eyJ/);
    expect(await isSecret(e.run.result.serviceRoleKey)).toBe(true);
    expect(await isSecret(e.run.result.anonKey)).toBe(false);
    expect(await isSecret(e.run.result.pgbackrestCipherPass)).toBe(true);
    expect(await isSecret(e.run.result.backupEncryptionKey)).toBe(true);
  });

  it("completes a preview, where outputs are unknown", async () => {
    const preview = await evaluate(stack, true);
    expect(preview.run.resources.length).toBe(e.run.resources.length);
  });

  it("mounts every committed monitoring file at its documented path, verbatim", () => {
    const platform = stack === "dev" ? "docker" : "kubernetes";
    for (const [component, source, mountPath] of documentedMounts(platform)) {
      const files = mountedFiles(source, mountPath);
      expect(files.length, source).toBeGreaterThan(0);
      for (const file of files) expect(container(e, component).files[file.mountPath], `${component} ${file.mountPath}`).toBe(file.text);
    }
    expect(container(e, "postgres-exporter").spec[stack === "dev" ? "command" : "args"]).toContain("--extend.query-path=/etc/postgres-exporter/queries.yml");
  });

  it("mounts the Prometheus config generated from the stack's specs, its generated rules and the Realtime token as a secret", async () => {
    const { config, addressing } = stackConfig(stack);
    const prometheus = container(e, "prometheus");
    expect(prometheus.files["/etc/prometheus/prometheus.yml"]).toBe(stackPrometheusConfig(config, planServices(config, addressing), addressing));
    expect(prometheus.files["/etc/prometheus/rules/realtime-limits.generated.yml"]).toBe(renderRealtimeLimitRules(config));
    const tokenPath = "/etc/prometheus/secrets/realtimeMetricsToken";
    expect(fileIsSecret(prometheus, tokenPath)).toBe(true);
    const metricsSecret = new TextEncoder().encode(container(e, "realtime").env["METRICS_JWT_SECRET"]);
    expect((await jwtVerify(prometheus.files[tokenPath]!, metricsSecret, { issuer: "supabase" })).payload.role).toBe("metrics");
    expect(prometheus.env).toEqual({});
  });

  it("scrapes only components the stack deploys, finding replicas through headless Services on Kubernetes", () => {
    const targets = prometheusTargets(container(e, "prometheus").files["/etc/prometheus/prometheus.yml"]!);
    const hosts = new Set(targets.static.map((t) => t.split(/[.:]/)[0]));
    for (const host of ["alertmanager", "grafana", "loki", "alloy", "pushgateway", "postgres-exporter", "redis-exporter"]) expect(hosts, host).toContain(host);
    if (stack === "dev") {
      const aliases = new Set(e.containers.flatMap((c) => (c.spec.networksAdvanced as { aliases?: string[] }[]).flatMap((n) => n.aliases ?? [])));
      for (const target of targets.static) expect(aliases, target).toContain(target.split(":")[0]);
      expect(targets.dns).toEqual([]);
      return;
    }
    const services = ofKind(e, "Service").map((s) => s.inputs);
    const service = (address: string) => services.find((s) => s.metadata.name === address.split(".")[0]);
    for (const target of targets.static) {
      const [address, port] = target.split(":");
      expect(service(address!)?.spec.ports.map((p: { port: number }) => String(p.port)), target).toContain(port);
    }
    expect(targets.dns.map((d) => d.name.split(".")[0]).sort()).toEqual(
      expect.arrayContaining(["auth-headless", "kong-headless", "node-exporter", "rest-headless"]),
    );
    for (const { name, port } of targets.dns) {
      expect(service(name)?.spec.clusterIP, name).toBe("None");
      expect(service(name)?.spec.ports.map((p: { port: number }) => p.port), name).toContain(port);
    }
  });

  it("delivers Alertmanager's receiver secrets only as files, empty when not configured", () => {
    const alertmanager = container(e, "alertmanager");
    for (const name of ["slack-webhook-url", "pagerduty-routing-key", "heartbeat-token"]) {
      const path = `/etc/alertmanager/secrets/${name}`;
      expect(alertmanager.files[path], path).toBe("");
      expect(fileIsSecret(alertmanager, path), path).toBe(true);
    }
    expect(alertmanager.env).toEqual({});
  });

  it("keeps Grafana's anonymous access off and reads its admin password only from a secret file", async () => {
    const grafana = container(e, "grafana");
    const password = (await valueOf(e.run.result.grafanaAdminPassword)) ?? "";
    expect(await isSecret(e.run.result.grafanaAdminPassword)).toBe(true);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(grafana.env).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana/admin-password",
      GF_SECURITY_SECRET_KEY__FILE: "/run/secrets/grafana/secret-key",
    });
    expect(Object.keys(grafana.env).filter((k) => /ADMIN_PASSWORD$|SECRET_KEY$/.test(k))).toEqual([]);
    expect(Object.values(grafana.env)).not.toContain(password);
    expect(grafana.files["/run/secrets/grafana/admin-password"]).toBe(password);
    for (const path of ["/run/secrets/grafana/admin-password", "/run/secrets/grafana/secret-key"]) expect(fileIsSecret(grafana, path), path).toBe(true);
  });

  it("connects postgres_exporter as the pg_monitor role the bootstrap gives its password, after the bootstrap", () => {
    const bootstrap = e.tasks[0]!;
    const monitorPassword = /-c bootstrap\.supabase_monitor_password=(\S+)/.exec(bootstrap.env["PGOPTIONS"]!)?.[1];
    const url = new URL(container(e, "postgres-exporter").env["DATA_SOURCE_NAME"]!);
    expect(url.username).toBe("supabase_monitor");
    expect(decodeURIComponent(url.password)).toBe(monitorPassword);
    expect(container(e, "redis-exporter").env["REDIS_PASSWORD"]).toBe(container(e, "redis").env["REDIS_PASSWORD"]);
    expect(container(e, "postgres-exporter").resource.options.dependencies).toEqual(
      expect.arrayContaining([expect.stringMatching(/(Job|Container)::supabase-db-bootstrap$/)]),
    );
  });

  it("gives only the log collector access to other containers' logs, and publishes only Kong and Grafana (on loopback) on Docker", () => {
    if (stack === "dev") {
      const ports = (c: RenderedContainer) => (c.spec.ports ?? []) as { ip: string; external: number }[];
      const published = e.containers.flatMap((c) => ports(c).map((p) => `${c.service} ${p.ip}:${p.external}`));
      expect(published.sort()).toEqual(["grafana 127.0.0.1:3001", "kong 0.0.0.0:8000"]);
      const socketMounts = e.containers.filter((c) => (c.spec.volumes as { hostPath?: string }[]).some((v) => v.hostPath !== undefined));
      expect(socketMounts.map((c) => c.service)).toEqual(["alloy"]);
      expect(container(e, "alloy").spec.volumes).toContainEqual({ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true });
      return;
    }
    const tokenMounted = e.containers.filter((c) => c.resource.inputs.spec.template.spec.automountServiceAccountToken !== false).map((c) => c.service);
    expect(tokenMounted).toEqual(["alloy"]);
    expect(ofKind(e, "Role").map((r) => r.inputs.rules)).toEqual([
      [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      ],
    ]);
    const [binding] = ofKind(e, "RoleBinding");
    expect(binding?.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "alloy", namespace: expect.any(String) }]);
    expect(binding?.inputs.roleRef.name).toBe(ofKind(e, "Role")[0]?.inputs.metadata.name);
    expect(ofKind(e, "DaemonSet").map((d) => d.inputs.metadata.name)).toEqual(["node-exporter"]);
    expect(ofKind(e, "Ingress")).toHaveLength(1);
  });
});

describe.each(["dev", "prod"] as const)("stack %s with monitoring disabled", (stack) => {
  let e: Evaluated;
  beforeAll(async () => {
    e = await evaluate(stack, false, { monitoring: { enabled: false } });
  });

  it("runs only the six core services", () => {
    expect(new Set(e.containers.map((c) => c.service))).toEqual(new Set(SERVICE_NAMES));
    const monitoring = e.run.resources.filter(
      (r) => !r.type.startsWith("random:") && /grafana|prometheus|alertmanager|loki|alloy|exporter|pushgateway/.test(r.name),
    );
    expect(monitoring.map((r) => r.urn)).toEqual([]);
  });
});

describe("an Alertmanager receiver secret set in stack config", () => {
  const webhook = "https://hooks.slack.example/services/T0000/B0000/abcdefghijklmnopqrstuvwx";

  it.each(["dev", "prod"] as const)("reaches only Alertmanager's secret file (%s)", async (stack) => {
    const e = await evaluate(stack, false, { slackWebhookUrl: webhook });
    expect(container(e, "alertmanager").files["/etc/alertmanager/secrets/slack-webhook-url"]).toBe(webhook);
    for (const r of e.run.resources) expect(plaintextSecrets(r, [webhook]).map((l) => `${r.urn} ${l.path}`)).toEqual([]);
  });
});

const builtImages = (e: Evaluated): Recorded[] => e.run.resources.filter((r) => r.type === "docker:index/image:Image");
const scheduler = (e: Evaluated): Recorded | undefined => e.run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "supabase-backup-scheduler");

describe("backups on the docker host (dev)", () => {
  let e: Evaluated;
  beforeAll(async () => {
    e = await evaluate("dev");
  });

  it("runs postgres on the pgbackrest image the program builds from the pinned base, archiving WAL through pgbackrest", () => {
    const postgres = container(e, "postgres");
    const build = builtImages(e).find((i) => i.inputs.repoDigest === postgres.spec.image);
    expect(build?.inputs).toMatchObject({
      build: { context: "docker/postgres-pgbackrest", dockerfile: "docker/postgres-pgbackrest/Dockerfile", args: { POSTGRES_IMAGE_TAG: IMAGES.postgres.split(":")[1] } },
      imageName: expect.stringMatching(/^supabase-postgres-pgbackrest:[a-f0-9]{16}$/),
      skipPush: true,
    });
    expect(postgres.spec.command).toEqual(expect.arrayContaining(["archive_mode=on", "archive_command=pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=main archive-push %p"]));
    expect(postgres.files["/etc/pgbackrest/pgbackrest.conf"]).toMatch(/^repo1-path=\/var\/lib\/pgbackrest$/m);
    expect(postgres.env["PGBACKREST_REPO1_CIPHER_PASS"]).toHaveLength(64);
    expect(e.secrets).toContain(postgres.env["PGBACKREST_REPO1_CIPHER_PASS"]);
  });

  it("schedules every job in an ops container built from docker/ops, sharing the database's volumes, secrets only as files", () => {
    const ops = scheduler(e)!;
    const build = builtImages(e).find((i) => i.inputs.repoDigest === ops.inputs.image);
    expect(build?.inputs).toMatchObject({ build: { context: ".", dockerfile: "docker/ops/Dockerfile" }, skipPush: true });
    expect(ops.inputs.entrypoints).toEqual(["tini", "--", "supercronic", "/etc/supabase-backup/crontab"]);
    expect(ops.inputs.user).toBe("105:106");
    const uploads = ops.inputs.uploads as { file: string; content: string; permissions: string }[];
    const crontab = uploads.find((u) => u.file === "/etc/supabase-backup/crontab")!.content;
    for (const job of ["postgres --type full", "postgres --type diff", "backup.ts logical", "backup.ts redis", "backup-verify.ts"]) expect(crontab).toContain(job);
    const secretUploads = uploads.map((u, i) => ({ ...u, i })).filter((u) => u.file.startsWith("/run/secrets/"));
    expect(secretUploads.map((u) => u.file.split("/").pop()).sort()).toEqual(["backupEncryptionKey", "databaseUrl", "pgbackrestCipherPass", "redisUrl"]);
    for (const u of secretUploads) {
      expect(u.permissions).toBe("0400");
      expect(underSecret(`uploads[${u.i}].content`, ops.secretPaths), u.file).toBe(true);
    }
    const env = ops.inputs.envs as string[];
    expect(env).toEqual(expect.arrayContaining(["PGBACKREST_REPO1_CIPHER_PASS_FILE=/run/secrets/supabase-backup/pgbackrestCipherPass", "TZ=Etc/UTC", "BACKUP_DEST=/var/lib/pgbackrest/dumps"]));
    const postgresVolumes = (container(e, "postgres").spec.volumes as { volumeName: string; containerPath: string }[]).map((v) => `${v.volumeName}:${v.containerPath}`);
    for (const v of ops.inputs.volumes as { volumeName: string; containerPath: string }[]) expect(postgresVolumes).toContain(`${v.volumeName}:${v.containerPath}`);
    expect((ops.inputs.volumes as unknown[]).length).toBe(3);
  });

  it("gives the S3 keys from stack config only to secret env and secret files", async () => {
    const keys = { backupS3AccessKeyId: "AKIAEXAMPLEKEY0000001", backupS3SecretAccessKey: "s3-secret-access-key-must-not-leak-0000" };
    const s3 = await evaluate("dev", false, { ...keys, backup: { repository: { type: "s3", s3: { bucket: "b-dev", endpoint: "minio.internal:9000", region: "us-east-1", path: "/dev", uriStyle: "path" } } } });
    expect(container(s3, "postgres").env["PGBACKREST_REPO1_S3_KEY_SECRET"]).toBe(keys.backupS3SecretAccessKey);
    expect((scheduler(s3)!.inputs.volumes as unknown[]).length).toBe(2);
    for (const r of s3.run.resources) expect(plaintextSecrets(r, Object.values(keys)).map((l) => `${r.urn} ${l.path}`)).toEqual([]);
  });
});

describe.each(["dev", "staging", "prod"] as const)("stack %s with backups disabled", (stack) => {
  it("builds no image, schedules nothing and leaves archiving off", async () => {
    const e = await evaluate(stack, false, { backup: { enabled: false } });
    expect(builtImages(e)).toEqual([]);
    expect(scheduler(e)).toBeUndefined();
    expect(ofKind(e, "CronJob")).toEqual([]);
    const postgres = container(e, "postgres");
    expect(postgres.image).toBe(IMAGES.postgres);
    expect(JSON.stringify(postgres.spec)).not.toContain("archive_command");
  });
});
