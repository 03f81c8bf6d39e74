import fc from "fast-check";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { describe, expect, it } from "vitest";
import type { ServiceName } from "../../stacks/config.js";
import type { ServiceSpec } from "../../stacks/model.js";
import { kubernetesAddressing } from "../../stacks/platforms/kubernetes/addressing.js";
import { disruptionBudgetArgs, needsDisruptionBudget } from "../../stacks/platforms/kubernetes/disruption.js";
import { containerEnv, escapeExpansion, secretEnv } from "../../stacks/platforms/kubernetes/env.js";
import { fileMounts, splitFiles } from "../../stacks/platforms/kubernetes/files.js";
import { ingressArgs, publicEndpoint } from "../../stacks/platforms/kubernetes/ingress.js";
import { applicationOf, podLabels, selectorLabels } from "../../stacks/platforms/kubernetes/labels.js";
import { logReaderBindingArgs, logReaderRoleArgs } from "../../stacks/platforms/kubernetes/log-access.js";
import { scrapeAnnotations } from "../../stacks/platforms/kubernetes/metrics.js";
import { dependencyOrder } from "../../stacks/platforms/order.js";
import { probesFor } from "../../stacks/platforms/kubernetes/probes.js";
import { containerSecurityContext, podSecurityContext } from "../../stacks/platforms/kubernetes/security.js";
import { clusterServiceArgs, governingServiceName, headlessServiceNames } from "../../stacks/platforms/kubernetes/service.js";
import { daemonSetArgs, deploymentArgs, statefulSetArgs } from "../../stacks/platforms/kubernetes/workload.js";
import { ref, tpl } from "../../stacks/template.js";

const labels = { instance: "supabase", env: "test" };

function spec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: "auth",
    host: "auth",
    kind: "stateless",
    image: "supabase/gotrue:v2.186.0",
    env: {},
    ports: [{ name: "http", port: 9999 }],
    health: {
      readiness: { http: { path: "/health", port: "http" } },
      liveness: { tcp: { port: "http" } },
      startPeriodSeconds: 30,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    replicas: 1,
    volumes: [],
    files: [],
    dependsOn: [],
    logLabels: {},
    security: { readOnlyRootFilesystem: false },
    ...overrides,
  };
}

/** Kubernetes' `$(VAR)` expansion of env values, command and args (k8s.io/kubernetes third_party/forked/golang/expansion). */
function expand(input: string, vars: Record<string, string>): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === "$") out += "$";
    else if (rest[0] === "(") {
      const close = rest.indexOf(")");
      if (close < 0) out += "$(";
      else {
        const name = rest.slice(1, close);
        out += vars[name] ?? `$(${name})`;
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

describe("addressing and labels", () => {
  it("resolves a host to its Service in the namespace", () => {
    expect(kubernetesAddressing("supa").address("auth")).toBe("auth.supa.svc.cluster.local");
  });

  it("names the application after the image repository", () => {
    expect(applicationOf("supabase/gotrue:v2.186.0")).toBe("gotrue");
    expect(applicationOf("registry.example.com:5000/team/postgres@sha256:" + "a".repeat(64))).toBe("postgres");
    expect(applicationOf("redis:7.4.2")).toBe("redis");
  });

  it("keeps selectors independent of the image, and standard labels over log labels", () => {
    const a = spec({ logLabels: { team: "identity", "app.kubernetes.io/component": "spoofed" } });
    expect(selectorLabels(a, labels)).toEqual(selectorLabels({ ...a, image: "other/auth:1.0" }, labels));
    expect(podLabels(a, labels)).toMatchObject({ team: "identity", "app.kubernetes.io/component": "auth", "app.kubernetes.io/name": "gotrue", env: "test" });
  });
});

describe("env", () => {
  it("survives Kubernetes variable expansion unchanged once escaped", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("$", "(", ")", "A", "b", " ") }), (s) => {
        expect(expand(escapeExpansion(s), { A: "x", b: "y" })).toBe(s);
      }),
    );
  });

  it("reads secret values from the Secret by variable name and keeps plain ones inline", () => {
    const s = spec({
      env: { DB_URL: tpl`postgres://u:${ref("postgresPassword")}@db/postgres`, SITE: "https://$(HOST)", JWT: [ref("jwtSecret")] },
      cluster: { peersHost: "auth-peers", podIpEnv: "POD_IP" },
    });
    expect(Object.keys(secretEnv(s))).toEqual(["DB_URL", "JWT"]);
    expect(containerEnv(s, "auth-env-1234abcd")).toEqual([
      { name: "DB_URL", valueFrom: { secretKeyRef: { name: "auth-env-1234abcd", key: "DB_URL" } } },
      { name: "SITE", value: "https://$$(HOST)" },
      { name: "JWT", valueFrom: { secretKeyRef: { name: "auth-env-1234abcd", key: "JWT" } } },
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    ]);
  });

  it("rejects a secret env without a Secret and a pod IP variable the spec also sets", () => {
    expect(() => containerEnv(spec({ env: { JWT: [ref("jwtSecret")] } }), undefined)).toThrow(/no Secret/);
    expect(() => containerEnv(spec({ env: { POD_IP: "x" }, cluster: { peersHost: "p", podIpEnv: "POD_IP" } }), undefined)).toThrow(/POD_IP/);
  });
});

describe("files", () => {
  const s = spec({
    files: [
      { name: "kong.yml", mountPath: "/home/kong/kong.yml", content: tpl`key: ${ref("anonKey")}` },
      { name: "tuning.conf", mountPath: "/etc/kong/tuning.conf", content: ["worker_connections 4096;"] },
    ],
  });

  it("puts files with secrets in the Secret and the rest in the ConfigMap, each at its mount path", () => {
    expect(splitFiles(s).secret.map((f) => f.name)).toEqual(["kong.yml"]);
    const { volumes, volumeMounts } = fileMounts(s, { configMap: "cm-1", secret: "sec-1" });
    expect(volumes).toEqual([
      { name: "files-config", configMap: { name: "cm-1", defaultMode: 0o444 } },
      { name: "files-secret", secret: { secretName: "sec-1", defaultMode: 0o444 } },
    ]);
    expect(volumeMounts).toEqual([
      { name: "files-config", mountPath: "/etc/kong/tuning.conf", subPath: "tuning.conf", readOnly: true },
      { name: "files-secret", mountPath: "/home/kong/kong.yml", subPath: "kong.yml", readOnly: true },
    ]);
  });

  it("requires the objects that carry the files", () => {
    expect(() => fileMounts(s, { configMap: "cm-1" })).toThrow(/Secret/);
  });
});

describe("probes and security", () => {
  it("maps http, tcp and exec checks to probes with a startup probe covering the start period", () => {
    const probes = probesFor(spec());
    expect(probes.readinessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probes.livenessProbe.tcpSocket).toEqual({ port: "http" });
    expect(probes.startupProbe).toMatchObject({ tcpSocket: { port: "http" }, periodSeconds: 10, failureThreshold: 6 });
    const exec = probesFor(spec({ health: { ...spec().health, liveness: { exec: ["pg_isready"] }, startPeriodSeconds: 0 } }));
    expect(exec.livenessProbe.exec).toEqual({ command: ["pg_isready"] });
    expect(exec.startupProbe).toBeUndefined();
  });

  it("rejects probes on undeclared ports", () => {
    expect(() => probesFor(spec({ health: { ...spec().health, readiness: { tcp: { port: "nope" } } } }))).toThrow(/no port named 'nope'/);
  });

  it("locks containers down and runs as non-root only when a user is set", () => {
    expect(containerSecurityContext({ readOnlyRootFilesystem: true, runAsUser: 1000 })).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      seccompProfile: { type: "RuntimeDefault" },
      runAsUser: 1000,
      runAsNonRoot: true,
    });
    expect(containerSecurityContext({ readOnlyRootFilesystem: false })).not.toHaveProperty("runAsNonRoot");
    expect(podSecurityContext({ readOnlyRootFilesystem: false, fsGroup: 101 })).toMatchObject({ fsGroup: 101, seccompProfile: { type: "RuntimeDefault" } });
  });
});

describe("workloads", () => {
  const names = { envSecret: "auth-env-0", files: {} };

  it("renders a valid Deployment with zero-unavailable rolling updates and /tmp on a read-only root", () => {
    const args = deploymentArgs({ spec: spec({ replicas: 3, security: { readOnlyRootFilesystem: true } }), namespace: "supa", labels, ...names });
    const model = new Deployment(args as never);
    model.validate();
    expect(model.spec?.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const pod = model.spec!.template.spec!;
    expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: {} });
    expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false, serviceAccountName: "auth" });
  });

  it("renders a valid StatefulSet with retained claims from the spec's volumes", () => {
    const db = spec({
      name: "postgres",
      host: "db",
      kind: "stateful",
      volumes: [{ name: "data", mountPath: "/var/lib/postgresql/data", size: "10Gi", storageClass: "fast" }],
    });
    const model = new StatefulSet(statefulSetArgs({ spec: db, namespace: "supa", labels, files: {} }) as never);
    model.validate();
    expect(model.spec).toMatchObject({
      serviceName: "db-headless",
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "fast", resources: { requests: { storage: "10Gi" } } } }],
    });
    expect(model.spec!.template.spec!.containers[0]!.volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/postgresql/data" });
  });

  it("renders a valid DaemonSet for a per-node service, replaced one node at a time, without spread constraints", () => {
    const model = new DaemonSet(daemonSetArgs({ spec: spec({ kind: "per-node", replicas: 3 }), namespace: "supa", labels, files: {} }) as never);
    model.validate();
    expect(model.spec?.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } });
    expect(model.spec!.template.spec!.topologySpreadConstraints).toBeUndefined();
    expect(() => daemonSetArgs({ spec: spec(), namespace: "supa", labels, files: {} })).toThrow(/per-node services only/);
    expect(() => deploymentArgs({ spec: spec({ kind: "per-node" }), namespace: "supa", labels, files: {} })).toThrow(/stateless services only/);
  });

  it("mounts a ServiceAccount token only into a log collector, whose Role reads pods and their logs in the namespace", () => {
    const collector = spec({ name: "alloy", host: "alloy", logCollector: true });
    const podSpecOf = (s: ServiceSpec) => deploymentArgs({ spec: s, namespace: "supa", labels, files: {} }).spec;
    expect(podSpecOf(collector)).toMatchObject({ template: { spec: { automountServiceAccountToken: true } } });
    expect(podSpecOf(spec())).toMatchObject({ template: { spec: { automountServiceAccountToken: false } } });
    const role = new Role(logReaderRoleArgs(collector, "supa", labels) as never);
    role.validate();
    expect(role.rules?.flatMap((r) => r.verbs.map((v) => `${r.resources?.join(",")}:${v}`))).toEqual(["pods:get", "pods:list", "pods:watch", "pods/log:get"]);
    const binding = new RoleBinding(logReaderBindingArgs(collector, "supa", labels) as never);
    binding.validate();
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata?.name });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "alloy", namespace: "supa" }]);
  });

  it("refuses volumes on stateless services and reserved volume names", () => {
    const vol = { name: "tmp", mountPath: "/x", size: "1Gi" };
    expect(() => deploymentArgs({ spec: spec({ volumes: [vol] }), namespace: "supa", labels, files: {} })).toThrow(/persistent volumes/);
    expect(() => statefulSetArgs({ spec: spec({ kind: "stateful", volumes: [vol] }), namespace: "supa", labels, files: {} })).toThrow(/reserved/);
  });

  it("adds scrape annotations from the metrics port, never a token", () => {
    const s = spec({ metrics: { port: "http", path: "/metrics", bearerToken: "realtimeMetricsToken" } });
    expect(scrapeAnnotations(s)).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9999", "prometheus.io/path": "/metrics" });
    expect(() => scrapeAnnotations(spec({ metrics: { port: "m", path: "/" } }))).toThrow(/metrics port/);
  });
});

describe("services, budgets and ingress", () => {
  it("adds a peers service only for clusters and a governing one only for StatefulSets", () => {
    expect(headlessServiceNames(spec())).toEqual([]);
    expect(headlessServiceNames(spec({ cluster: { peersHost: "auth-peers", podIpEnv: "IP" } }))).toEqual(["auth-peers"]);
    expect(headlessServiceNames(spec({ kind: "stateful" }))).toEqual(["auth-headless"]);
    const clustered = spec({ kind: "stateful", cluster: { peersHost: "auth-peers", podIpEnv: "IP" } });
    expect(headlessServiceNames(clustered)).toEqual(["auth-peers"]);
    expect(governingServiceName(clustered)).toBe("auth-peers");
  });

  it("adds the governing headless Service through which Prometheus finds a scraped service's replicas", () => {
    const scraped = spec({ metrics: { port: "http", path: "/metrics" } });
    expect(headlessServiceNames(scraped)).toEqual(["auth-headless"]);
    expect(headlessServiceNames({ ...scraped, cluster: { peersHost: "auth-peers", podIpEnv: "IP" } })).toEqual(["auth-peers"]);
  });

  it("gives a per-node service a headless Service, so its name resolves to every node's pod", () => {
    expect(clusterServiceArgs(spec({ kind: "per-node" }), "supa", labels).spec).toMatchObject({ clusterIP: "None" });
    expect(clusterServiceArgs(spec(), "supa", labels).spec).toMatchObject({ type: "ClusterIP" });
  });

  it("budgets only replicated stateless services", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.constantFrom("stateless" as const, "stateful" as const), (replicas, kind) => {
        expect(needsDisruptionBudget(spec({ replicas, kind }))).toBe(kind === "stateless" && replicas >= 2);
      }),
    );
    expect(disruptionBudgetArgs(spec(), "supa", labels).spec).toMatchObject({ maxUnavailable: 1 });
  });

  const kong = spec({ name: "kong", host: "kong", ports: [{ name: "proxy", port: 8000, public: true }, { name: "status", port: 8100 }] });

  it("finds the one public port", () => {
    expect(publicEndpoint([spec(), kong])).toEqual({ spec: kong, port: kong.ports[0] });
    expect(publicEndpoint([spec()])).toBeUndefined();
    expect(() => publicEndpoint([kong, { ...kong, name: "rest" }])).toThrow(/one public port/);
  });

  it("routes the public host with TLS from the issuer on https, and without TLS on http", () => {
    const endpoint = publicEndpoint([kong])!;
    const https = new Ingress(ingressArgs(endpoint, { publicUrl: "https://api.example.com/", ingress: { className: "nginx", tlsIssuer: "le", websocketTimeoutSeconds: 3600 } }, "supa", labels) as never);
    https.validate();
    expect(https.spec).toMatchObject({
      ingressClassName: "nginx",
      rules: [{ host: "api.example.com", http: { paths: [{ path: "/", backend: { service: { name: "kong", port: { name: "proxy" } } } }] } }],
      tls: [{ hosts: ["api.example.com"], secretName: "kong-tls" }],
    });
    expect(https.metadata?.annotations).toMatchObject({
      "cert-manager.io/cluster-issuer": "le",
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
    });
    const http = ingressArgs(endpoint, { publicUrl: "http://api.example.com:8080", ingress: { className: "traefik", websocketTimeoutSeconds: 900 } }, "supa", labels);
    expect(http.spec).not.toHaveProperty("tls");
    expect(http.metadata).toHaveProperty(["annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout"], "900");
    expect(http.metadata).toHaveProperty(["annotations", "nginx.ingress.kubernetes.io/proxy-send-timeout"], "900");
    expect(http.metadata).not.toHaveProperty(["annotations", "cert-manager.io/cluster-issuer"]);
  });
});

describe("dependency order", () => {
  const names: ServiceName[] = ["kong", "auth", "rest", "realtime", "postgres", "redis"];

  it("places every service after its dependencies", () => {
    const acyclic = fc.array(fc.array(fc.nat(5), { maxLength: 3 }), { minLength: 6, maxLength: 6 }).map((deps) =>
      names.map((name, i) => spec({ name, host: name, dependsOn: [...new Set(deps[i]!.filter((d) => d < i).map((d) => names[d]!))] })),
    );
    fc.assert(
      fc.property(acyclic, fc.nat(), (specs, seed) => {
        const shuffled = [...specs].sort((a, b) => ((a.name.charCodeAt(1) * seed) % 7) - ((b.name.charCodeAt(1) * seed) % 7));
        const order = dependencyOrder(shuffled).map((s) => s.name);
        expect([...order].sort()).toEqual([...names].sort());
        for (const s of specs) for (const d of s.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(s.name));
      }),
    );
  });

  it("rejects cycles and unknown dependencies", () => {
    expect(() => dependencyOrder([spec({ name: "auth", dependsOn: ["rest"] }), spec({ name: "rest", dependsOn: ["auth"] })])).toThrow(
      "dependency cycle: auth → rest → auth",
    );
    expect(() => dependencyOrder([spec({ dependsOn: ["postgres"] })])).toThrow(/not deployed/);
  });
});
