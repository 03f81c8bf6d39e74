import { z } from "zod";
import { backupSchema } from "./backup/backup-config.js";
import { loadtestSchema } from "./loadtest/loadtest-config.js";

export const PROJECT = "supabase";

export const SERVICE_NAMES = ["kong", "auth", "rest", "realtime", "postgres", "redis"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const STATELESS_SERVICES = ["kong", "auth", "rest", "realtime"] as const;
export type StatelessServiceName = (typeof STATELESS_SERVICES)[number];

/** The monitoring stack the program deploys next to the core services when `monitoring.enabled` is true. */
export const MONITORING_COMPONENTS = [
  "prometheus",
  "alertmanager",
  "grafana",
  "loki",
  "alloy",
  "pushgateway",
  "postgres-exporter",
  "redis-exporter",
  "blackbox-exporter",
  "node-exporter",
] as const;
export type MonitoringComponent = (typeof MONITORING_COMPONENTS)[number];

/** Everything the program can run: the core services and the monitoring components. */
export const COMPONENT_NAMES = [...SERVICE_NAMES, ...MONITORING_COMPONENTS] as const;
export type ComponentName = ServiceName | MonitoringComponent;

const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti)$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IMAGE = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

const cpu = z.string().regex(CPU, "a CPU quantity such as 250m or 1.5");
const memory = z.string().regex(MEMORY, "a memory quantity such as 256Mi or 2Gi");
const size = z.string().regex(MEMORY, "a storage size such as 10Gi");
const httpUrl = z
  .string()
  .url("an absolute URL such as https://api.example.com")
  .refine((u) => !URL.canParse(u) || /^https?:$/.test(new URL(u).protocol), "an http:// or https:// URL");
const image = z
  .string()
  .regex(IMAGE, "an image reference repo:tag or repo@sha256:<digest>")
  .refine((s) => /[:@]/.test(s.split("/").pop() ?? ""), "an image pinned to a tag or digest")
  .refine((s) => !/:latest(@|$)/.test(s), "an exact version, never latest");

const resourceSchema = z
  .strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu, memory }),
  })
  .superRefine((r, ctx) => {
    if (cpuMillis(r.requests.cpu) > cpuMillis(r.limits.cpu)) {
      ctx.addIssue({ code: "custom", path: ["requests", "cpu"], input: r.requests.cpu, message: `at most the limit ${r.limits.cpu}` });
    }
    if (memoryBytes(r.requests.memory) > memoryBytes(r.limits.memory)) {
      ctx.addIssue({ code: "custom", path: ["requests", "memory"], input: r.requests.memory, message: `at most the limit ${r.limits.memory}` });
    }
  });
export type Resources = z.infer<typeof resourceSchema>;

const DEFAULT_RESOURCES: Record<ComponentName, Resources> = {
  kong: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  auth: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  rest: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  realtime: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
  postgres: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
  redis: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  prometheus: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } },
  alertmanager: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
  grafana: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  loki: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  alloy: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  pushgateway: { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
  "postgres-exporter": { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
  "redis-exporter": { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
  "blackbox-exporter": { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
  "node-exporter": { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
};

const volumeSchema = z.strictObject({ size, storageClass: z.string().regex(DNS_LABEL, "a StorageClass name").optional() });

const replicas = z.number().int("a whole number").min(1).max(50);
const port = z.number().int().min(1).max(65535);

const DEFAULT_MONITORING_STORAGE = {
  prometheus: { size: "10Gi" },
  alertmanager: { size: "1Gi" },
  grafana: { size: "1Gi" },
  loki: { size: "10Gi" },
  pushgateway: { size: "100Mi" },
};

const monitoringSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    retention: z.string().regex(/^[1-9]\d*[hdwy]$/, "a Prometheus retention such as 15d, 720h or 2w").default("15d"),
    grafanaPort: port.default(3001),
    lokiObjectStore: z
      .strictObject({
        endpoint: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "a host name and optional port without a scheme, such as s3.eu-west-1.amazonaws.com"),
        region: z.string().regex(/^[a-z0-9-]+$/, "a region such as eu-west-1"),
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')"),
      })
      .optional(),
    storage: z
      .strictObject({
        prometheus: volumeSchema.default(DEFAULT_MONITORING_STORAGE.prometheus),
        alertmanager: volumeSchema.default(DEFAULT_MONITORING_STORAGE.alertmanager),
        grafana: volumeSchema.default(DEFAULT_MONITORING_STORAGE.grafana),
        loki: volumeSchema.default(DEFAULT_MONITORING_STORAGE.loki),
        pushgateway: volumeSchema.default(DEFAULT_MONITORING_STORAGE.pushgateway),
      })
      .default(DEFAULT_MONITORING_STORAGE),
  })
  .default({ enabled: true, retention: "15d", grafanaPort: 3001, storage: DEFAULT_MONITORING_STORAGE });

const fields = z.strictObject({
    platform: z.enum(["docker", "kubernetes"]),
    publicUrl: httpUrl.default("http://localhost:8000"),
    siteUrl: httpUrl.default("http://localhost:3000"),
    additionalRedirectUrls: z.array(httpUrl).default([]),
    namespace: z.string().regex(DNS_LABEL, "a DNS-1123 label (lowercase letters, digits, '-')").default("supabase"),
    kubeContext: z.string().min(1).optional(),
    dockerHost: z
      .string()
      .regex(/^(unix|tcp|ssh):\/\/.+/, "a Docker host URL such as unix:///var/run/docker.sock or ssh://user@host")
      .optional(),
    gatewayPort: port.default(8000),
    ingress: z
      .strictObject({
        className: z.string().regex(DNS_LABEL, "an IngressClass name").default("nginx"),
        tlsIssuer: z.string().regex(DNS_LABEL, "a cert-manager ClusterIssuer name").optional(),
        websocketTimeoutSeconds: z
          .number()
          .int()
          .min(60, "at least 60 seconds: Realtime clients send a heartbeat every 25 s")
          .max(3600, "at most 3600 seconds, the gateway's own websocket timeout")
          .default(3600),
      })
      .default({ className: "nginx", websocketTimeoutSeconds: 3600 }),
    replicas: z
      .strictObject({ kong: replicas.default(1), auth: replicas.default(1), rest: replicas.default(1), realtime: replicas.default(1) })
      .default({ kong: 1, auth: 1, rest: 1, realtime: 1 }),
    resources: z.partialRecord(z.enum(COMPONENT_NAMES), resourceSchema).default({}),
    storage: z
      .strictObject({
        postgres: volumeSchema.default({ size: "10Gi" }),
        pgsodium: volumeSchema.default({ size: "100Mi" }),
        redis: volumeSchema.default({ size: "2Gi" }),
      })
      .default({ postgres: { size: "10Gi" }, pgsodium: { size: "100Mi" }, redis: { size: "2Gi" } }),
    auth: z
      .strictObject({
        disableSignup: z.boolean().default(false),
        jwtExpiry: z.number().int().min(300, "at least 300 seconds").max(604800, "at most 604800 seconds (7 days)").default(3600),
        mailerAutoconfirm: z.boolean().default(false),
        enableEmailSignup: z.boolean().default(true),
        enablePhoneSignup: z.boolean().default(false),
        enableAnonymousUsers: z.boolean().default(false),
      })
      .default({
        disableSignup: false,
        jwtExpiry: 3600,
        mailerAutoconfirm: false,
        enableEmailSignup: true,
        enablePhoneSignup: false,
        enableAnonymousUsers: false,
      }),
    smtp: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        user: z.string().min(1),
        adminEmail: z.email("an email address"),
        senderName: z.string().min(1).default("Supabase"),
      })
      .optional(),
    realtime: z
      .strictObject({
        maxConcurrentUsers: z.number().int().min(1).default(200),
        maxEventsPerSecond: z.number().int().min(1).default(100),
        maxJoinsPerSecond: z.number().int().min(1).default(100),
        maxChannelsPerClient: z.number().int().min(1).default(100),
        maxBytesPerSecond: z.number().int().min(1).default(100000),
        rlimitNofile: z.number().int().min(1024).max(1048576).default(100000),
      })
      .default({
        maxConcurrentUsers: 200,
        maxEventsPerSecond: 100,
        maxJoinsPerSecond: 100,
        maxChannelsPerClient: 100,
        maxBytesPerSecond: 100000,
        rlimitNofile: 100000,
      }),
    redis: z
      .strictObject({
        maxmemory: z.string().regex(/^\d+(kb|mb|gb)$/, "a Redis size such as 256mb or 1gb").default("256mb"),
        maxmemoryPolicy: z
          .enum(["noeviction", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"])
          .default("noeviction"),
      })
      .default({ maxmemory: "256mb", maxmemoryPolicy: "noeviction" }),
    kong: z
      .strictObject({
        nginxWorkerProcesses: z.number().int().min(1).max(64, "at most 64 worker processes").default(2),
        nginxWorkerConnections: z.number().int().min(1024, "at least 1024 connections per worker").max(1048576).default(16384),
        rlimitNofile: z.number().int().min(1024).max(1048576).default(65536),
      })
      .refine((k) => k.rlimitNofile >= k.nginxWorkerConnections, {
        path: ["rlimitNofile"],
        message: "at least kong.nginxWorkerConnections: every connection holds a file descriptor",
      })
      .default({ nginxWorkerProcesses: 2, nginxWorkerConnections: 16384, rlimitNofile: 65536 }),
    images: z.partialRecord(z.enum(COMPONENT_NAMES), image).default({}),
    apiKeys: z
      .strictObject({
        issuedAt: z.number().int().min(0),
        expiresAt: z.number().int().min(0),
      })
      .refine((k) => k.expiresAt > k.issuedAt, { path: ["expiresAt"], message: "a time after apiKeys.issuedAt" })
      .default({ issuedAt: 1767225600, expiresAt: 2082758400 }),
    protectDatabase: z.boolean().default(true),
    monitoring: monitoringSchema,
    backup: backupSchema,
    loadtest: loadtestSchema,
  });

const schema = fields.superRefine((c, ctx) => {
    if (c.loadtest.testRun && c.platform !== "kubernetes") {
      ctx.addIssue({ code: "custom", path: ["loadtest", "testRun"], input: c.loadtest.testRun, message: "nothing on the docker platform: a TestRun needs k6-operator on Kubernetes (run npm run loadtest instead)" });
    }
    if (c.loadtest.testRun && !c.monitoring.enabled) {
      ctx.addIssue({ code: "custom", path: ["loadtest", "testRun"], input: c.loadtest.testRun, message: "monitoring.enabled: the runners remote-write to the stack's Prometheus, where the gate is evaluated" });
    }
    if (c.platform === "docker") {
      if (c.monitoring.enabled && c.monitoring.grafanaPort === c.gatewayPort) {
        ctx.addIssue({ code: "custom", path: ["monitoring", "grafanaPort"], input: c.monitoring.grafanaPort, message: "a host port other than gatewayPort" });
      }
      for (const name of STATELESS_SERVICES) {
        if (c.replicas[name] !== 1) {
          ctx.addIssue({ code: "custom", path: ["replicas", name], input: c.replicas[name], message: "1: the docker platform runs one container per service" });
        }
      }
    }
    if (c.platform === "kubernetes") {
      if (new URL(c.publicUrl).protocol === "https:" && !c.ingress.tlsIssuer) {
        ctx.addIssue({ code: "custom", path: ["ingress", "tlsIssuer"], input: undefined, message: "a cert-manager ClusterIssuer name when publicUrl is https" });
      }
      if (["localhost", "127.0.0.1"].includes(new URL(c.publicUrl).hostname)) {
        ctx.addIssue({ code: "custom", path: ["publicUrl"], input: c.publicUrl, message: "the public host name of the Ingress, not localhost, on the kubernetes platform" });
      }
      if (c.backup.enabled && c.backup.repository.type !== "s3") {
        ctx.addIssue({
          code: "custom",
          path: ["backup", "repository", "type"],
          input: c.backup.repository.type,
          message: '"s3" on the kubernetes platform: a ReadWriteOnce volume cannot be shared with backup jobs on other nodes',
        });
      }
      if (c.backup.enabled && !c.backup.imageRegistry) {
        ctx.addIssue({ code: "custom", path: ["backup", "imageRegistry"], input: undefined, message: "the registry the program pushes its built images to, when backups are enabled on kubernetes" });
      }
      const webIdentity = c.backup.repository.s3?.keyType === "web-id";
      if (c.backup.enabled && webIdentity && Object.keys(c.backup.serviceAccountAnnotations ?? {}).length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["backup", "serviceAccountAnnotations"],
          input: c.backup.serviceAccountAnnotations,
          message: "the annotations that bind the database's and the backup jobs' ServiceAccounts to a cloud role (such as eks.amazonaws.com/role-arn) when repository.s3.keyType is web-id",
        });
      }
    }
    if (c.platform === "docker" && c.backup.enabled && c.backup.repository.s3?.keyType === "web-id") {
      ctx.addIssue({ code: "custom", path: ["backup", "repository", "s3", "keyType"], input: "web-id", message: '"shared" or "auto" on the docker platform: web-id needs a Kubernetes ServiceAccount token' });
    }
    if (c.platform === "docker" && c.backup.serviceAccountAnnotations) {
      ctx.addIssue({ code: "custom", path: ["backup", "serviceAccountAnnotations"], input: c.backup.serviceAccountAnnotations, message: "nothing on the docker platform, which has no ServiceAccounts" });
    }
  });

type Parsed = z.infer<typeof schema>;

/** The validated stack configuration with every default applied. */
export interface StackConfig extends Omit<Parsed, "resources"> {
  /** The stack name, used as the `env` label (dev, staging, prod). */
  readonly env: string;
  /** Requests and limits for every component, defaults merged with overrides. */
  readonly resources: Record<ComponentName, Resources>;
}

/** Raised when configuration is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Config keys that hold secrets; read with getSecret and never validated by value. The SMTP password is required
 * with `smtp`, the S3 keys with an s3 backup repository whose keyType is shared; the Alertmanager receiver secrets are
 * optional (an empty file when unset).
 */
export const SECRET_CONFIG_KEYS = [
  "smtpPassword",
  "slackWebhookUrl",
  "pagerdutyRoutingKey",
  "heartbeatToken",
  "backupS3AccessKeyId",
  "backupS3SecretAccessKey",
  "lokiS3AccessKeyId",
  "lokiS3SecretAccessKey",
] as const;
export type SecretConfigKey = (typeof SECRET_CONFIG_KEYS)[number];

/** Config keys the program reads, with the types declared in Pulumi.yaml. */
export const CONFIG_KEYS = Object.keys(fields.shape) as readonly (keyof Parsed)[];

/**
 * Validates raw configuration (keys without the project prefix) and applies defaults.
 * Throws a ConfigError naming every bad key, its value and what is allowed.
 */
export function parseConfig(raw: Record<string, unknown>, env: string, secretKeysSet: ReadonlySet<SecretConfigKey> = new Set()): StackConfig {
  const result = schema.safeParse(raw);
  const problems = result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, raw));
  if (raw["smtp"] !== undefined && !secretKeysSet.has("smtpPassword")) {
    problems.push(`${PROJECT}:smtpPassword: got nothing; expected the SMTP password as a secret when smtp is set (pulumi config set --secret smtpPassword)`);
  }
  const backup = result.success ? result.data.backup : undefined;
  if (backup?.enabled && backup.repository.s3 && backup.repository.type === "s3" && backup.repository.s3.keyType === "shared") {
    for (const key of ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
      if (!secretKeysSet.has(key)) {
        problems.push(`${PROJECT}:${key}: got nothing; expected the S3 credential as a secret when backup.repository.type is s3 with keyType shared (pulumi config set --secret ${key})`);
      }
    }
  }
  if (result.success && result.data.monitoring.lokiObjectStore) {
    for (const key of ["lokiS3AccessKeyId", "lokiS3SecretAccessKey"] as const) {
      if (!secretKeysSet.has(key)) {
        problems.push(`${PROJECT}:${key}: got nothing; expected the credential of Loki's object store as a secret when monitoring.lokiObjectStore is set (pulumi config set --secret ${key})`);
      }
    }
  }
  if (!result.success || problems.length) throw new ConfigError(problems);
  const resources = Object.fromEntries(
    COMPONENT_NAMES.map((name) => [name, result.data.resources[name] ?? DEFAULT_RESOURCES[name]]),
  ) as Record<ComponentName, Resources>;
  return { ...result.data, env, resources };
}

function describeIssue(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  const key = issue.path.length ? `${PROJECT}:${issue.path.map(String).join(".")}` : PROJECT;
  const value = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
  let allowed = issue.message;
  if (issue.code === "unrecognized_keys") {
    return `${key}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}; allowed keys are listed in Pulumi.yaml`;
  }
  if (issue.code === "too_small") allowed = `${issue.origin === "array" ? "a list with" : "a value"} ${issue.inclusive ? ">=" : ">"} ${issue.minimum}${issue.origin === "string" ? " characters" : ""}`;
  if (issue.code === "too_big") allowed = `${issue.origin === "array" ? "a list with" : "a value"} ${issue.inclusive ? "<=" : "<"} ${issue.maximum}${issue.origin === "string" ? " characters" : ""}`;
  if (issue.code === "invalid_value") allowed = `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return `${key}: got ${value === undefined ? "nothing" : JSON.stringify(value)}; expected ${allowed.replace(/^Invalid input: expected /, "")}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** Converts a Kubernetes CPU quantity to millicores. */
export function cpuMillis(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Converts a Kubernetes binary memory quantity to bytes. */
export function memoryBytes(q: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * units[m[2]!]!;
}
