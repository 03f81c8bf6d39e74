import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type SecretConfigKey } from "../../stacks/config.js";
import { KUBERNETES_BACKUP } from "../support/backup-fixture.js";

function problemsOf(raw: Record<string, unknown>, secrets: ReadonlySet<SecretConfigKey> = new Set()): string[] {
  try {
    parseConfig(raw, "test", secrets);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}

const k8s = { platform: "kubernetes", publicUrl: "https://api.example.com", ingress: { className: "nginx", tlsIssuer: "letsencrypt" }, backup: KUBERNETES_BACKUP };

describe("parseConfig", () => {
  it("applies defaults to a minimal docker config", () => {
    const c = parseConfig({ platform: "docker" }, "dev");
    expect(c.env).toBe("dev");
    expect(c.publicUrl).toBe("http://localhost:8000");
    expect(c.replicas).toEqual({ kong: 1, auth: 1, rest: 1, realtime: 1 });
    expect(c.resources.postgres.limits.memory).toBe("4Gi");
    expect(c.realtime.maxConcurrentUsers).toBe(200);
    expect(c.protectDatabase).toBe(true);
  });

  it("deploys monitoring by default, with resources and images for every component", () => {
    const c = parseConfig({ platform: "docker" }, "dev");
    expect(c.monitoring).toMatchObject({ enabled: true, retention: "15d", grafanaPort: 3001, storage: { prometheus: { size: "10Gi" }, loki: { size: "10Gi" } } });
    const tuned = parseConfig(
      { ...k8s, monitoring: { enabled: false }, resources: { prometheus: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } } } },
      "prod",
    );
    expect(tuned.monitoring).toMatchObject({ enabled: false, retention: "15d" });
    expect(tuned.resources.prometheus.limits.memory).toBe("4Gi");
    expect(tuned.resources["node-exporter"].limits.memory).toBe("128Mi");
    expect(parseConfig({ platform: "docker", images: { grafana: "grafana/grafana:12.2.1" } }, "dev").images.grafana).toBe("grafana/grafana:12.2.1");
  });

  it("keeps per-service resource overrides and defaults for the rest", () => {
    const c = parseConfig({ ...k8s, resources: { kong: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } } } }, "prod");
    expect(c.resources.kong.limits.cpu).toBe("2");
    expect(c.resources.auth.limits.cpu).toBe("500m");
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["missing platform", {}, /supabase:platform: got nothing; expected one of "docker", "kubernetes"/],
    ["unknown platform", { platform: "nomad" }, /supabase:platform: got "nomad"; expected one of "docker", "kubernetes"/],
    ["non-http public URL", { platform: "docker", publicUrl: "ftp://files" }, /supabase:publicUrl: got "ftp:\/\/files"; expected an http:\/\/ or https:\/\/ URL/],
    ["not a URL", { platform: "docker", siteUrl: "example" }, /supabase:siteUrl: got "example"; expected an absolute URL/],
    ["bad redirect URL in a list", { platform: "docker", additionalRedirectUrls: ["https://ok.example", "nope"] }, /supabase:additionalRedirectUrls\.1: got "nope"/],
    ["namespace not a DNS label", { platform: "docker", namespace: "Supa_Base" }, /supabase:namespace: got "Supa_Base"; expected a DNS-1123 label/],
    ["port out of range", { platform: "docker", gatewayPort: 70000 }, /supabase:gatewayPort: got 70000; expected a value <= 65535/],
    ["zero replicas", { ...k8s, replicas: { kong: 0 } }, /supabase:replicas\.kong: got 0; expected a value >= 1/],
    ["fractional replicas", { ...k8s, replicas: { rest: 1.5 } }, /supabase:replicas\.rest: got 1\.5; expected a whole number/],
    ["replicas on docker", { platform: "docker", replicas: { realtime: 3 } }, /supabase:replicas\.realtime: got 3; expected 1: the docker platform runs one container per service/],
    ["bad cpu quantity", { ...k8s, resources: { auth: { requests: { cpu: "fast", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } } }, /supabase:resources\.auth\.requests\.cpu: got "fast"; expected a CPU quantity/],
    ["request above limit", { ...k8s, resources: { rest: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } } }, /supabase:resources\.rest\.requests\.cpu: got "2"; expected at most the limit 1/],
    ["unknown service in resources", { ...k8s, resources: { studio: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } } }, /supabase:resources: unknown key 'studio'/],
    ["bad storage size", { ...k8s, storage: { postgres: { size: "10GB" } } }, /supabase:storage\.postgres\.size: got "10GB"; expected a storage size such as 10Gi/],
    ["jwt expiry too short", { platform: "docker", auth: { jwtExpiry: 10 } }, /supabase:auth\.jwtExpiry: got 10; expected a value >= 300/],
    ["bad smtp email", { platform: "docker", smtp: { host: "smtp.example.com", user: "u", adminEmail: "admin" } }, /supabase:smtp\.adminEmail: got "admin"; expected an email address/],
    ["image tagged latest", { platform: "docker", images: { kong: "kong/kong:latest" } }, /supabase:images\.kong: got "kong\/kong:latest"; expected an exact version, never latest/],
    ["image without a tag", { platform: "docker", images: { redis: "redis" } }, /supabase:images\.redis: got "redis"; expected an image pinned to a tag or digest/],
    ["unknown redis policy", { platform: "docker", redis: { maxmemoryPolicy: "lru" } }, /supabase:redis\.maxmemoryPolicy: got "lru"; expected one of "noeviction"/],
    ["api key expiry before issue", { platform: "docker", apiKeys: { issuedAt: 100, expiresAt: 50 } }, /supabase:apiKeys\.expiresAt: got 50; expected a time after apiKeys\.issuedAt/],
    ["websocket timeout below the heartbeat margin", { ...k8s, ingress: { ...k8s.ingress, websocketTimeoutSeconds: 30 } }, /supabase:ingress\.websocketTimeoutSeconds: got 30; expected a value >= 60/],
    ["https without issuer", { platform: "kubernetes", publicUrl: "https://api.example.com" }, /supabase:ingress\.tlsIssuer: got nothing; expected a cert-manager ClusterIssuer name when publicUrl is https/],
    ["localhost on kubernetes", { ...k8s, publicUrl: "http://localhost:8000" }, /supabase:publicUrl: got "http:\/\/localhost:8000"; expected the public host name of the Ingress/],
    ["unknown key", { platform: "docker", replica: 2 }, /supabase: unknown key 'replica'/],
    ["wrong type", { platform: "docker", protectDatabase: "yes" }, /supabase:protectDatabase: got "yes"; expected boolean/],
    ["retention without a unit", { platform: "docker", monitoring: { retention: "15" } }, /supabase:monitoring\.retention: got "15"; expected a Prometheus retention such as 15d/],
    ["grafana on the gateway's port", { platform: "docker", monitoring: { grafanaPort: 8000 } }, /supabase:monitoring\.grafanaPort: got 8000; expected a host port other than gatewayPort/],
    ["bad monitoring volume", { ...k8s, monitoring: { storage: { loki: { size: "lots" } } } }, /supabase:monitoring\.storage\.loki\.size: got "lots"; expected a storage size/],
    ["unknown monitoring key", { platform: "docker", monitoring: { grafana: true } }, /supabase:monitoring: unknown key 'grafana'/],
    ["cron macro", { platform: "docker", backup: { schedule: { physicalFull: "@weekly" } } }, /supabase:backup\.schedule\.physicalFull: got "@weekly"; expected five cron fields/],
    ["cron with seconds", { platform: "docker", backup: { schedule: { redis: "0 15 * * * *" } } }, /supabase:backup\.schedule\.redis: got "0 15 \* \* \* \*"; expected five cron fields/],
    ["unknown time zone", { platform: "docker", backup: { timeZone: "Mars/Olympus" } }, /supabase:backup\.timeZone: got "Mars\/Olympus"; expected an IANA time zone/],
    ["zero retention", { platform: "docker", backup: { retention: { fullDays: 0 } } }, /supabase:backup\.retention\.fullDays: got 0; expected a value >= 1/],
    ["unknown repository type", { platform: "docker", backup: { repository: { type: "gcs" } } }, /supabase:backup\.repository\.type: got "gcs"; expected one of "volume", "s3"/],
    ["s3 without its settings", { platform: "docker", backup: { repository: { type: "s3" } } }, /supabase:backup\.repository\.s3: got nothing; expected s3\.\{bucket,endpoint,region,path\} when type is s3/],
    ["s3 endpoint with a scheme", { platform: "docker", backup: { repository: { type: "s3", s3: { ...KUBERNETES_BACKUP.repository.s3, endpoint: "https://s3.example.com" } } } }, /supabase:backup\.repository\.s3\.endpoint: got "https:\/\/s3\.example\.com"; expected a host name/],
    ["relative s3 path", { platform: "docker", backup: { repository: { type: "s3", s3: { ...KUBERNETES_BACKUP.repository.s3, path: "prod" } } } }, /supabase:backup\.repository\.s3\.path: got "prod"; expected an absolute prefix/],
    ["volume repository on kubernetes", { ...k8s, backup: { ...KUBERNETES_BACKUP, repository: { type: "volume" } } }, /supabase:backup\.repository\.type: got "volume"; expected "s3" on the kubernetes platform/],
    ["no registry on kubernetes", { ...k8s, backup: { repository: KUBERNETES_BACKUP.repository } }, /supabase:backup\.imageRegistry: got nothing; expected the registry the program pushes its built images to/],
    ["registry with a scheme", { ...k8s, backup: { ...KUBERNETES_BACKUP, imageRegistry: "https://registry.example.com" } }, /supabase:backup\.imageRegistry: got "https:\/\/registry\.example\.com"; expected a registry and repository prefix/],
    ["unknown backup key", { platform: "docker", backup: { cron: "0 1 * * *" } }, /supabase:backup: unknown key 'cron'/],
  ];

  it.each(bad)("rejects %s, naming key, value and what is allowed", (_name, raw, pattern) => {
    const problems = problemsOf(raw);
    expect(problems.join("\n")).toMatch(pattern);
  });

  it("requires the SMTP password when SMTP is configured", () => {
    const smtp = { host: "smtp.example.com", user: "mailer", adminEmail: "admin@example.com" };
    expect(problemsOf({ platform: "docker", smtp })).toEqual([expect.stringMatching(/^supabase:smtpPassword: got nothing/)]);
    expect(parseConfig({ platform: "docker", smtp }, "dev", new Set(["smtpPassword"])).smtp?.port).toBe(587);
  });

  it("backs up by default, to a volume on docker, and needs neither S3 nor a registry when backups are off", () => {
    expect(parseConfig({ platform: "docker" }, "dev").backup).toMatchObject({ enabled: true, timeZone: "Etc/UTC", repository: { type: "volume" }, retention: { fullDays: 28, diffCount: 7 } });
    const { backup: _, ...noBackup } = k8s;
    expect(parseConfig({ ...noBackup, backup: { enabled: false } }, "prod").backup.enabled).toBe(false);
    expect(parseConfig(k8s, "prod").backup.repository.s3).toMatchObject({ uriStyle: "host", keyType: "web-id" });
  });

  it("requires both S3 keys as secrets for an S3 repository with shared keys, and none with workload identity", () => {
    const shared = { ...k8s, backup: { ...KUBERNETES_BACKUP, repository: { type: "s3", s3: { ...KUBERNETES_BACKUP.repository.s3, keyType: "shared" } } } };
    expect(problemsOf(shared)).toEqual([
      expect.stringMatching(/^supabase:backupS3AccessKeyId: got nothing; expected the S3 credential as a secret/),
      expect.stringMatching(/^supabase:backupS3SecretAccessKey: got nothing/),
    ]);
    expect(parseConfig(shared, "prod", new Set(["backupS3AccessKeyId", "backupS3SecretAccessKey"])).backup.repository.type).toBe("s3");
    expect(parseConfig({ ...shared, backup: { ...shared.backup, enabled: false } }, "prod").backup.enabled).toBe(false);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ platform: "docker", publicUrl: "x", gatewayPort: 0, namespace: "A", images: { auth: "a:latest" }, bogus: true });
    expect(problems).toHaveLength(5);
    for (const key of ["publicUrl", "gatewayPort", "namespace", "images.auth"]) {
      expect(problems.some((p) => p.startsWith(`supabase:${key}:`))).toBe(true);
    }
  });

  it("lists problems in the error message, one per line", () => {
    expect(() => parseConfig({ platform: "nomad", gatewayPort: -1 }, "dev")).toThrow(/Invalid stack configuration \(2 problems\):\n  - supabase:platform.*\n  - supabase:gatewayPort/);
  });
});
