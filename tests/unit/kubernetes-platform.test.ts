import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type StackConfig } from "../../stacks/config.js";
import type { HealthSpec, Probe, ServiceSpec } from "../../stacks/model.js";
import { SECRET_NAMES, type SecretName } from "../../stacks/secret-names.js";
import type { SecretValues } from "../../stacks/secrets.js";
import { ref, tpl } from "../../stacks/template.js";
import { IMAGES } from "../../stacks/versions.js";
import { runMocked, valueOf, type MockedRun, type Recorded } from "../support/harness.js";
import { KUBERNETES_BACKUP } from "../support/backup-fixture.js";
import { kubernetesObjects, validateKubernetesObject } from "../support/kubernetes.js";

const NAMESPACE = "supa-test";
const RAW_CONFIG = {
  platform: "kubernetes",
  namespace: NAMESPACE,
  publicUrl: "https://api.example.com",
  ingress: { className: "nginx", tlsIssuer: "letsencrypt" },
  replicas: { kong: 2, auth: 1, rest: 1, realtime: 2 },
  backup: KUBERNETES_BACKUP,
};

/** What a fixture run varies: file content, secret values, config. */
interface Variant {
  /** Content of Kong's plain nginx tuning file. */
  readonly tuning?: string;
  /** Fixed secret values instead of the generated ones. */
  readonly secrets?: Partial<Record<SecretName, string>>;
  /** Config overrides. */
  readonly config?: Record<string, unknown>;
}

const health = (readiness: Probe, liveness: Probe = readiness): HealthSpec => ({
  readiness,
  liveness,
  startPeriodSeconds: 30,
  intervalSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

function fixtureSpecs(config: StackConfig, variant: Variant): ServiceSpec[] {
  const base = { command: undefined, volumes: [], files: [], dependsOn: [], logLabels: {}, replicas: 1 } as const;
  return [
    {
      ...base,
      name: "kong",
      host: "kong",
      kind: "stateless",
      image: IMAGES.kong,
      env: { KONG_DATABASE: "off", KONG_DECLARATIVE_CONFIG: "/home/kong/kong.yml", KONG_NGINX_PROXY_SET: "$host" },
      ports: [
        { name: "proxy", port: 8000, public: true },
        { name: "status", port: 8100 },
      ],
      health: health({ http: { path: "/status", port: "status" } }),
      resources: config.resources.kong,
      replicas: config.replicas.kong,
      files: [
        { name: "kong.yml", mountPath: "/home/kong/kong.yml", content: tpl`consumers:\n  - keyauth_credentials:\n      - key: ${ref("anonKey")}\n` },
        { name: "tuning.conf", mountPath: "/etc/kong/tuning.conf", content: [variant.tuning ?? "worker_connections 4096;\n"] },
      ],
      dependsOn: ["auth"],
      metrics: { port: "status", path: "/metrics" },
      logLabels: { service: "kong" },
      security: { runAsUser: 1000, readOnlyRootFilesystem: true },
    },
    {
      ...base,
      name: "auth",
      host: "auth",
      kind: "stateless",
      image: IMAGES.auth,
      env: {
        API_EXTERNAL_URL: config.publicUrl,
        GOTRUE_DB_DATABASE_URL: tpl`postgres://supabase_auth_admin:${ref("authAdminPassword")}@db.${NAMESPACE}.svc.cluster.local:5432/postgres`,
        GOTRUE_JWT_SECRET: [ref("jwtSecret")],
      },
      ports: [{ name: "http", port: 9999 }],
      health: health({ http: { path: "/health", port: "http" } }),
      resources: config.resources.auth,
      replicas: config.replicas.auth,
      dependsOn: ["postgres"],
      security: { runAsUser: 1000, readOnlyRootFilesystem: true },
    },
    {
      ...base,
      name: "realtime",
      host: "realtime-dev",
      kind: "stateless",
      image: IMAGES.realtime,
      env: { API_JWT_SECRET: [ref("jwtSecret")], DNS_NODES: `realtime-peers.${NAMESPACE}.svc.cluster.local` },
      ports: [{ name: "http", port: 4000 }],
      health: health({ http: { path: "/api/ping", port: "http" } }),
      resources: config.resources.realtime,
      replicas: config.replicas.realtime,
      dependsOn: ["postgres"],
      metrics: { port: "http", path: "/metrics", bearerToken: "realtimeMetricsToken" },
      security: { readOnlyRootFilesystem: false, nofile: config.realtime.rlimitNofile },
      cluster: { peersHost: "realtime-peers", podIpEnv: "POD_IP" },
    },
    {
      ...base,
      name: "postgres",
      host: "db",
      kind: "stateful",
      image: IMAGES.postgres,
      args: ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"],
      env: { POSTGRES_PASSWORD: [ref("postgresPassword")], PGDATA: "/var/lib/postgresql/data/pgdata" },
      ports: [{ name: "postgres", port: 5432 }],
      health: health({ exec: ["pg_isready", "-U", "postgres", "-h", "localhost"] }),
      resources: config.resources.postgres,
      volumes: [
        { name: "data", mountPath: "/var/lib/postgresql/data", ...config.storage.postgres },
        { name: "pgsodium", mountPath: "/etc/postgresql-custom", ...config.storage.pgsodium },
      ],
      security: { runAsUser: 105, fsGroup: 106, readOnlyRootFilesystem: false },
    },
    {
      ...base,
      name: "redis",
      host: "redis",
      kind: "stateful",
      image: IMAGES.redis,
      args: ["/etc/redis/redis.conf"],
      env: {},
      ports: [{ name: "redis", port: 6379 }],
      health: health({ tcp: { port: "redis" } }),
      resources: config.resources.redis,
      volumes: [{ name: "data", mountPath: "/data", ...config.storage.redis }],
      files: [{ name: "redis.conf", mountPath: "/etc/redis/redis.conf", content: tpl`requirepass ${ref("redisPassword")}\nappendonly yes\n` }],
      security: { runAsUser: 999, fsGroup: 999, readOnlyRootFilesystem: true },
    },
  ];
}

interface Rendered {
  readonly namespace: string | undefined;
  readonly addresses: Readonly<Record<string, string>>;
  readonly publicHost: string | undefined;
  readonly secretValues: readonly string[];
  readonly specs: readonly ServiceSpec[];
}

/** Services a run renders: the fixtures, or the real planner's for the config. */
type SpecSource = "fixtures" | "planner";

async function render(variant: Variant = {}, preview = false, source: SpecSource = "fixtures"): Promise<MockedRun<Rendered>> {
  return runMocked(
    async () => {
      const pulumi = await import("@pulumi/pulumi");
      const k8s = await import("@pulumi/kubernetes");
      const { KubernetesPlatform } = await import("../../stacks/platforms/kubernetes/index.js");
      const { StackSecrets } = await import("../../stacks/secrets.js");
      const config = parseConfig({ ...RAW_CONFIG, ...variant.config }, "prod");
      const fixed = variant.secrets;
      const secrets: SecretValues = fixed
        ? (Object.fromEntries(SECRET_NAMES.map((n) => [n, pulumi.secret(fixed[n] ?? `fixed-${n}-value`)])) as SecretValues)
        : new StackSecrets("supabase", { apiKeys: config.apiKeys }).values;
      const provider = new k8s.Provider("k8s", { namespace: NAMESPACE });
      const { planServices, planTasks } = await import("../../stacks/services/index.js");
      const { kubernetesAddressing } = await import("../../stacks/platforms/kubernetes/addressing.js");
      const specs = source === "planner" ? planServices(config, kubernetesAddressing(config.namespace)) : fixtureSpecs(config, variant);
      const builds = specs.flatMap((s) => [s, ...(s.sidecars ?? [])]).flatMap((c) => (c.build ? [c.build.name] : []));
      const images = Object.fromEntries(builds.map((b) => [b, `registry.example.com/supabase/${b}@sha256:${"0".repeat(64)}`]));
      const platform = new KubernetesPlatform(
        "supabase",
        { specs, tasks: source === "planner" ? planTasks(config, kubernetesAddressing(config.namespace)) : [], config, secrets, images },
        { provider },
      );
      const values = await Promise.all(SECRET_NAMES.map((n) => valueOf(secrets[n])));
      return {
        namespace: await valueOf(platform.namespace),
        addresses: platform.addresses,
        publicHost: platform.publicHost,
        secretValues: values.filter((v): v is string => !!v),
        specs,
      };
    },
    { stack: "prod", preview },
  );
}

const protectedUrns = (resources: readonly Recorded[]): string[] => resources.filter((r) => r.options.protect).map((r) => r.urn).sort();
const kind = (resources: readonly Recorded[], type: string): Recorded[] => resources.filter((r) => r.type === type);
const named = (resources: readonly Recorded[], type: string, name: string): Recorded => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SERVICE = "kubernetes:core/v1:Service";
const workloadsOf = (resources: readonly Recorded[]) => resources.filter((r) => r.type === DEPLOYMENT || r.type === STATEFUL_SET);
const podSpec = (workload: Recorded) => workload.inputs.spec.template.spec;
const containerOf = (workload: Recorded) => podSpec(workload).containers[0];

describe("KubernetesPlatform under mocks", () => {
  let run: MockedRun<Rendered>;
  let objects: Recorded[];

  beforeAll(async () => {
    run = await render();
    objects = kubernetesObjects(run.resources);
  });

  it("renders the expected inventory with unique URNs through the explicit provider", () => {
    expect(new Set(run.resources.map((r) => r.urn)).size).toBe(run.resources.length);
    const counts = Object.fromEntries([...new Set(objects.map((r) => r.type))].map((t) => [t.split(":").pop(), kind(objects, t).length]));
    expect(counts).toEqual({ Namespace: 1, ServiceAccount: 5, Service: 9, Secret: 5, ConfigMap: 1, Deployment: 3, StatefulSet: 2, PodDisruptionBudget: 2, Ingress: 1 });
    for (const r of objects) expect(r.provider, r.urn).toMatch(/pulumi:providers:kubernetes::k8s::/);
    expect(run.resources.find((r) => r.type === "supabase:kubernetes:Platform")).toBeDefined();
  });

  it("validates every object against kubernetes-models", async () => {
    for (const r of objects) await validateKubernetesObject(r);
  });

  it("puts every namespaced object into the namespace explicitly", () => {
    expect(named(objects, "kubernetes:core/v1:Namespace", "supabase").inputs.metadata.name).toBe(NAMESPACE);
    for (const r of objects.filter((o) => !o.type.endsWith(":Namespace"))) expect(r.inputs.metadata.namespace, r.urn).toBe(NAMESPACE);
    expect(run.result.namespace).toBe(NAMESPACE);
  });

  it("keeps every secret value out of everything but Secret data", () => {
    expect(run.result.secretValues.length).toBeGreaterThanOrEqual(10);
    for (const r of objects) {
      const visible = r.type === SECRET ? { ...r.inputs, stringData: undefined } : r.inputs;
      const text = JSON.stringify(visible);
      for (const value of run.result.secretValues) expect(text.includes(value), `${r.urn} shows a secret`).toBe(false);
    }
    for (const secret of kind(objects, SECRET)) expect(secret.secretPaths).toContain("stringData");
    for (const w of workloadsOf(objects)) expect(w.secretPaths, w.urn).toEqual([]);
  });

  it("delivers secret env through one Secret per service and plain env inline, escaped", () => {
    const auth = named(objects, DEPLOYMENT, "supabase-auth");
    const envSecret = named(objects, SECRET, "supabase-auth-env");
    expect(envSecret.inputs.metadata.name).toMatch(/^supabase-auth-env-[0-9a-f]{8}$/);
    expect(Object.keys(envSecret.inputs.stringData)).toEqual(["GOTRUE_DB_DATABASE_URL", "GOTRUE_JWT_SECRET"]);
    expect(run.result.secretValues).toContain(envSecret.inputs.stringData.GOTRUE_JWT_SECRET);
    expect(containerOf(auth).env).toEqual([
      { name: "API_EXTERNAL_URL", value: "https://api.example.com" },
      { name: "GOTRUE_DB_DATABASE_URL", valueFrom: { secretKeyRef: { name: envSecret.inputs.metadata.name, key: "GOTRUE_DB_DATABASE_URL" } } },
      { name: "GOTRUE_JWT_SECRET", valueFrom: { secretKeyRef: { name: envSecret.inputs.metadata.name, key: "GOTRUE_JWT_SECRET" } } },
    ]);
    expect(containerOf(named(objects, DEPLOYMENT, "supabase-kong")).env).toContainEqual({ name: "KONG_NGINX_PROXY_SET", value: "$$host" });
    expect(containerOf(named(objects, DEPLOYMENT, "supabase-realtime")).env).toContainEqual({
      name: "POD_IP",
      valueFrom: { fieldRef: { fieldPath: "status.podIP" } },
    });
  });

  it("ships files with secrets as Secrets and the rest as ConfigMaps, mounted at their paths", () => {
    const kong = named(objects, DEPLOYMENT, "supabase-kong");
    const fileSecret = named(objects, SECRET, "supabase-kong-files");
    const configMap = named(objects, CONFIG_MAP, "supabase-kong-files");
    expect(Object.keys(fileSecret.inputs.stringData)).toEqual(["kong.yml"]);
    expect(fileSecret.inputs.stringData["kong.yml"]).toContain(run.result.secretValues.find((v) => v.startsWith("eyJ")));
    expect(configMap.inputs.data).toEqual({ "tuning.conf": "worker_connections 4096;\n" });
    for (const object of [fileSecret, configMap]) expect(object.inputs.immutable).toBe(true);
    expect(podSpec(kong).volumes).toEqual(
      expect.arrayContaining([
        { name: "files-config", configMap: { name: configMap.inputs.metadata.name, defaultMode: 0o444 } },
        { name: "files-secret", secret: { secretName: fileSecret.inputs.metadata.name, defaultMode: 0o444 } },
      ]),
    );
    expect(containerOf(kong).volumeMounts).toContainEqual({ name: "files-secret", mountPath: "/home/kong/kong.yml", subPath: "kong.yml", readOnly: true });
    expect(named(objects, SECRET, "supabase-redis-files").inputs.stringData["redis.conf"]).toMatch(/^requirepass \w+/);
  });

  it("names each ClusterIP Service after its host, adding headless Services for peers, StatefulSets and scraped services only", () => {
    const services = kind(objects, SERVICE).map((s) => s.inputs);
    for (const spec of run.result.specs) {
      const svc = services.find((s) => s.metadata.name === spec.host);
      expect(svc?.spec.type, spec.host).toBe("ClusterIP");
      expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(spec.ports.map((p) => p.name));
    }
    const headless = services.filter((s) => s.spec.clusterIP === "None");
    expect(headless.map((s) => s.metadata.name).sort()).toEqual(["db-headless", "kong-headless", "realtime-peers", "redis-headless"]);
    for (const s of headless) expect(s.spec.publishNotReadyAddresses).toBe(true);
    expect(named(objects, STATEFUL_SET, "supabase-postgres").inputs.spec.serviceName).toBe("db-headless");
    expect(run.result.addresses).toMatchObject({ postgres: `db.${NAMESPACE}.svc.cluster.local`, realtime: `realtime-dev.${NAMESPACE}.svc.cluster.local` });
  });

  it("budgets disruptions only for stateless services with two or more replicas", () => {
    const budgets = kind(objects, "kubernetes:policy/v1:PodDisruptionBudget");
    expect(budgets.map((b) => b.inputs.metadata.name).sort()).toEqual(["kong", "realtime-dev"]);
    for (const b of budgets) expect(b.inputs.spec.maxUnavailable).toBe(1);
  });

  it("routes the public host through a TLS Ingress with websocket-friendly timeouts", () => {
    const [ingress] = kind(objects, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingress!.inputs.spec).toMatchObject({
      ingressClassName: "nginx",
      rules: [{ host: "api.example.com", http: { paths: [{ backend: { service: { name: "kong", port: { name: "proxy" } } } }] } }],
      tls: [{ hosts: ["api.example.com"], secretName: "kong-tls" }],
    });
    expect(ingress!.inputs.metadata.annotations).toMatchObject({
      "cert-manager.io/cluster-issuer": "letsencrypt",
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-body-size": "50m",
    });
    expect(run.result.publicHost).toBe("api.example.com");
  });

  it("gives every container a pinned image, probes, resources and a locked-down security context", () => {
    for (const w of workloadsOf(objects)) {
      const c = containerOf(w);
      expect(Object.values(IMAGES), w.urn).toContain(c.image);
      expect(c.livenessProbe && c.readinessProbe && c.startupProbe, w.urn).toBeTruthy();
      expect(c.resources.requests.cpu && c.resources.limits.memory, w.urn).toBeTruthy();
      expect(c.securityContext, w.urn).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
      expect(podSpec(w), w.urn).toMatchObject({ automountServiceAccountToken: false, serviceAccountName: w.inputs.metadata.name });
    }
    const db = named(objects, STATEFUL_SET, "supabase-postgres");
    expect(podSpec(db).securityContext).toMatchObject({ fsGroup: 106, runAsNonRoot: true });
    expect(containerOf(db).readinessProbe.exec.command[0]).toBe("pg_isready");
    expect(containerOf(named(objects, STATEFUL_SET, "supabase-redis")).livenessProbe.tcpSocket).toEqual({ port: "redis" });
    for (const sa of kind(objects, "kubernetes:core/v1:ServiceAccount")) expect(sa.inputs.automountServiceAccountToken).toBe(false);
  });

  it("labels objects and adds scrape annotations from the metrics spec", () => {
    const kong = named(objects, DEPLOYMENT, "supabase-kong");
    expect(kong.inputs.spec.template.metadata.labels).toEqual({
      service: "kong",
      "app.kubernetes.io/name": "kong",
      "app.kubernetes.io/instance": "supabase",
      "app.kubernetes.io/component": "kong",
      "app.kubernetes.io/part-of": "supabase",
      "app.kubernetes.io/managed-by": "pulumi",
      env: "prod",
    });
    expect(kong.inputs.spec.template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "8100", "prometheus.io/path": "/metrics" });
    expect(named(objects, DEPLOYMENT, "supabase-auth").inputs.spec.template.metadata.annotations).toBeUndefined();
  });

  it("protects the namespace and the StatefulSets, whose claims Kubernetes retains", () => {
    expect(protectedUrns(run.resources)).toEqual([
      "kubernetes:apps/v1:StatefulSet::supabase-postgres",
      "kubernetes:apps/v1:StatefulSet::supabase-redis",
      "kubernetes:core/v1:Namespace::supabase",
    ]);
    const db = named(objects, STATEFUL_SET, "supabase-postgres").inputs.spec;
    expect(db.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(db.volumeClaimTemplates.map((t: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([
      ["data", "10Gi"],
      ["pgsodium", "100Mi"],
    ]);
  });
});

describe("rolling pods on change", () => {
  const template = async (variant: Variant, name: string) => named((await render(variant)).resources, DEPLOYMENT, name).inputs.spec.template;

  it("rolls Kong when a plain file changes", async () => {
    const before = await template({ secrets: {} }, "supabase-kong");
    const after = await template({ secrets: {}, tuning: "worker_connections 8192;\n" }, "supabase-kong");
    const cm = (t: any) => t.spec.volumes.find((v: { name: string }) => v.name === "files-config").configMap.name;
    expect(cm(after)).not.toBe(cm(before));
  });

  it("rolls Kong when a secret in a file changes, and Auth when a secret in its env changes", async () => {
    const secretFile = (t: any) => t.spec.volumes.find((v: { name: string }) => v.name === "files-secret").secret.secretName;
    expect(secretFile(await template({ secrets: { anonKey: "key-2" } }, "supabase-kong"))).not.toBe(secretFile(await template({ secrets: {} }, "supabase-kong")));
    const envRef = (t: any) => t.spec.containers[0].env.find((e: { name: string }) => e.name === "GOTRUE_JWT_SECRET").valueFrom.secretKeyRef.name;
    expect(envRef(await template({ secrets: { jwtSecret: "rotated" } }, "supabase-auth"))).not.toBe(envRef(await template({ secrets: {} }, "supabase-auth")));
  });
});

describe("other runs", () => {
  it("completes a preview with the same inventory", async () => {
    const [preview, full] = [await render({}, true), await render()];
    expect(preview.resources.map((r) => r.urn)).toEqual(full.resources.map((r) => r.urn));
  });

  it("leaves everything unprotected when protectDatabase is off", async () => {
    const run = await render({ secrets: {}, config: { protectDatabase: false } });
    expect(protectedUrns(run.resources)).toEqual([]);
  });
});

describe("with the real planner", () => {
  it.each([
    ["one replica each", { replicas: { kong: 1, auth: 1, rest: 1, realtime: 1 } }],
    ["replicated", {}],
  ])("renders valid objects with no secret outside Secret data (%s)", async (_, config) => {
    const run = await render({ config }, false, "planner");
    const objects = kubernetesObjects(run.resources);
    for (const r of objects) await validateKubernetesObject(r);
    for (const r of objects.filter((o) => o.type !== SECRET)) {
      const text = JSON.stringify(r.inputs);
      for (const value of run.result.secretValues) expect(text.includes(value), `${r.urn} shows a secret`).toBe(false);
    }
    const serviceNames = kind(objects, SERVICE).map((s) => s.inputs.metadata.name);
    for (const spec of run.result.specs) expect(serviceNames, spec.name).toContain(spec.host);
    expect(workloadsOf(objects)).toHaveLength(run.result.specs.length);
    const budgets = kind(objects, "kubernetes:policy/v1:PodDisruptionBudget").map((b) => b.inputs.metadata.name).sort();
    expect(budgets).toEqual(run.result.specs.filter((s) => s.kind === "stateless" && s.replicas >= 2).map((s) => s.host).sort());
    expect(serviceNames.includes("realtime-peers")).toBe(run.result.specs.some((s) => s.cluster !== undefined));
    expect(kind(objects, "kubernetes:networking.k8s.io/v1:Ingress")).toHaveLength(1);
  });
});

describe("stateful volumes", () => {
  it("seeds the pgsodium claim from the image while it is empty, and only that claim", async () => {
    const run = await render({}, false, "planner");
    const pod = podSpec(named(kubernetesObjects(run.resources), STATEFUL_SET, "supabase-postgres"));
    expect(pod.initContainers).toHaveLength(1);
    const seed = pod.initContainers[0];
    expect(seed.name).toBe("seed-pgsodium");
    expect(seed.image).toBe(containerOf(named(kubernetesObjects(run.resources), STATEFUL_SET, "supabase-postgres")).image);
    expect(seed.volumeMounts).toEqual([{ name: "pgsodium", mountPath: "/seed" }]);
    expect(seed.command.join(" ")).toMatch(/if \[ -z "\$\$\(ls -A \/seed\)" \]; then cp -a \/etc\/postgresql-custom\/\. \/seed\/; fi/);
    expect(seed.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(podSpec(named(kubernetesObjects(run.resources), STATEFUL_SET, "supabase-redis")).initContainers).toBeUndefined();
  });

  it("leaves claim templates to volume expansion instead of replacing the StatefulSet", async () => {
    const run = await render({}, false, "planner");
    expect(Object.fromEntries(run.resources.filter((r) => r.options.ignoreChanges.length > 0).map((r) => [r.urn, r.options.ignoreChanges]))).toEqual({
      "kubernetes:apps/v1:StatefulSet::supabase-postgres": ["spec.volumeClaimTemplates"],
      "kubernetes:apps/v1:StatefulSet::supabase-redis": ["spec.volumeClaimTemplates"],
    });
  });
});

describe("the database bootstrap Job", () => {
  const JOB = "kubernetes:batch/v1:Job";
  const jobOf = (run: MockedRun<Rendered>) => named(kubernetesObjects(run.resources), JOB, "supabase-db-bootstrap");

  it("runs once Postgres is ready, with its secrets from a Secret, before auth, rest and realtime", async () => {
    const run = await render({}, false, "planner");
    const objects = kubernetesObjects(run.resources);
    const job = jobOf(run);
    expect(job.inputs.metadata.name).toMatch(/^supabase-db-bootstrap-[0-9a-f]{8}$/);
    expect(job.inputs.metadata.namespace).toBe(NAMESPACE);
    expect(job.inputs.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 300 });
    const pod = job.inputs.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.automountServiceAccountToken).toBe(false);
    const env = Object.fromEntries(pod.containers[0].env.map((e: { name: string }) => [e.name, e]));
    for (const secret of ["PGPASSWORD", "PGOPTIONS"]) expect(env[secret].valueFrom.secretKeyRef.key, secret).toBe(secret);
    expect(env.PGHOST.value).toBe(`db.${NAMESPACE}.svc.cluster.local`);
    const configMap = named(objects, CONFIG_MAP, "supabase-db-bootstrap-files");
    expect(Object.keys(configMap.inputs.data)).toEqual(expect.arrayContaining(["00-session.sql", "90-passwords.sql"]));
    expect(pod.volumes).toContainEqual(expect.objectContaining({ configMap: expect.objectContaining({ name: configMap.inputs.metadata.name }) }));
    expect(job.options.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/StatefulSet::supabase-postgres$/)]));
    for (const name of ["auth", "rest", "realtime"]) {
      expect(named(objects, DEPLOYMENT, `supabase-${name}`).options.dependencies, name).toEqual(expect.arrayContaining([expect.stringMatching(/Job::supabase-db-bootstrap$/)]));
    }
    expect(named(objects, DEPLOYMENT, "supabase-kong").options.dependencies.some((d) => d.endsWith("Job::supabase-db-bootstrap"))).toBe(false);
  });

  it("is replaced, and so runs again, when a role password changes", async () => {
    const envSecret = async (password: string) =>
      jobOf(await render({ secrets: { authenticatorPassword: password } }, false, "planner")).inputs.spec.template.spec.containers[0].env.find(
        (e: { name: string }) => e.name === "PGOPTIONS",
      ).valueFrom.secretKeyRef.name;
    const [before, same, changed] = [await envSecret("first-password-1"), await envSecret("first-password-1"), await envSecret("second-password-2")];
    expect(same).toBe(before);
    expect(changed).not.toBe(before);
    expect(jobOf(await render({}, false, "planner")).options.replaceOnChanges).toEqual(["spec"]);
  });
});
