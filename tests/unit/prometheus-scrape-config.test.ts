import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseConfig, type StackConfig } from "../../stacks/config.js";
import type { ServiceSpec } from "../../stacks/model.js";
import { GATEWAY_PROBES } from "../../stacks/monitoring/blackbox-probes.js";
import { INFRASTRUCTURE_JOBS } from "../../stacks/monitoring/infrastructure-jobs.js";
import { renderPrometheusConfig, scrapeSecrets, type PrometheusConfigArgs } from "../../stacks/monitoring/scrape-config.js";
import { stackPrometheusConfig } from "../../stacks/monitoring/stack-prometheus.js";
import { dockerAddressing } from "../../stacks/platforms/docker/addressing.js";
import { kubernetesAddressing } from "../../stacks/platforms/kubernetes/addressing.js";
import { planServices } from "../../stacks/services/index.js";
import { KUBERNETES_BACKUP } from "../support/backup-fixture.js";

type Job = Record<string, any> & { job_name: string };
type Rendered = { global: Record<string, any>; alerting: any; rule_files: string[]; scrape_configs: Job[] };

const dev = parseConfig({ platform: "docker" }, "dev");
const prod = parseConfig(
  { platform: "kubernetes", namespace: "supa", publicUrl: "https://api.example.com", ingress: { tlsIssuer: "letsencrypt" }, replicas: { kong: 2, auth: 2, rest: 2, realtime: 3 }, backup: KUBERNETES_BACKUP },
  "prod",
);

function render(config: StackConfig, overrides: Partial<PrometheusConfigArgs> = {}): Rendered {
  const addressing = config.platform === "kubernetes" ? kubernetesAddressing(config.namespace) : dockerAddressing();
  const specs = planServices(config, addressing);
  if (Object.keys(overrides).length === 0) return parse(stackPrometheusConfig(config, specs, addressing)) as Rendered;
  const args: PrometheusConfigArgs = {
    specs,
    addressing,
    env: config.env,
    discovery: config.platform === "kubernetes" ? "dns" : "static",
    publicUrl: config.publicUrl,
    ...overrides,
  };
  return parse(renderPrometheusConfig(args)) as Rendered;
}

const job = (rendered: Rendered, name: string): Job => {
  const found = rendered.scrape_configs.find((j) => j.job_name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
};

describe("renderPrometheusConfig: services from the model", () => {
  it("gives every service with a metrics endpoint a job with its port number and path, on Docker at its alias", () => {
    const rendered = render(dev);
    expect(job(rendered, "kong")).toEqual({ job_name: "kong", metrics_path: "/metrics", static_configs: [{ targets: ["kong:8100"] }] });
    expect(job(rendered, "rest").static_configs).toEqual([{ targets: ["rest:3001"] }]);
    expect(job(rendered, "auth").static_configs).toEqual([{ targets: ["auth:9122"] }]);
    expect(job(rendered, "realtime").static_configs).toEqual([{ targets: ["realtime-dev:4000"] }]);
  });

  it("follows the spec when a port or path changes", () => {
    const addressing = dockerAddressing();
    const specs = planServices(dev, addressing).map((s): ServiceSpec =>
      s.name === "rest" ? { ...s, ports: [...s.ports.filter((p) => p.name !== "admin"), { name: "admin", port: 4001 }], metrics: { port: "admin", path: "/m" } } : s,
    );
    const rendered = parse(renderPrometheusConfig({ specs, addressing, env: "dev", discovery: "static", publicUrl: dev.publicUrl })) as Rendered;
    expect(job(rendered, "rest")).toMatchObject({ metrics_path: "/m", static_configs: [{ targets: ["rest:4001"] }] });
  });

  it("reads Realtime's bearer token from the secret file named after the secret", () => {
    const rendered = render(dev, { baseDir: "/cfg" });
    expect(job(rendered, "realtime")["authorization"]).toEqual({ type: "Bearer", credentials_file: "/cfg/secrets/realtimeMetricsToken" });
    expect(job(rendered, "kong")["authorization"]).toBeUndefined();
    expect(scrapeSecrets(planServices(dev, dockerAddressing()))).toEqual(["realtimeMetricsToken"]);
  });

  it("on Kubernetes scrapes every replica through the spec's headless Service", () => {
    const rendered = render(prod);
    expect(job(rendered, "kong")["dns_sd_configs"]).toEqual([{ names: ["kong-headless.supa.svc.cluster.local"], type: "A", port: 8100 }]);
    expect(job(rendered, "realtime")["dns_sd_configs"]).toEqual([{ names: ["realtime-peers.supa.svc.cluster.local"], type: "A", port: 4000 }]);
    expect(job(rendered, "kong")["static_configs"]).toBeUndefined();
  });

  it("throws when the metrics port is not one of the spec's ports", () => {
    const addressing = dockerAddressing();
    const specs = planServices(dev, addressing).map((s): ServiceSpec => (s.name === "auth" ? { ...s, metrics: { port: "nope", path: "/metrics" } } : s));
    expect(() => renderPrometheusConfig({ specs, addressing, env: "dev", discovery: "static", publicUrl: dev.publicUrl })).toThrow(/auth: metrics port 'nope'/);
  });

  it("gives every planned service with metrics exactly one job, and no two jobs one name, for any namespace and replicas", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    fc.assert(
      fc.property(label, fc.integer({ min: 1, max: 5 }), (namespace, replicas) => {
        const config = parseConfig(
          { platform: "kubernetes", namespace, publicUrl: "https://api.example.com", ingress: { tlsIssuer: "le" }, replicas: { kong: replicas, auth: replicas, rest: replicas, realtime: replicas }, backup: KUBERNETES_BACKUP },
          "staging",
        );
        const rendered = render(config);
        const names = rendered.scrape_configs.map((j) => j.job_name);
        expect(new Set(names).size).toBe(names.length);
        const addressing = kubernetesAddressing(namespace);
        for (const spec of planServices(config, addressing).filter((s) => s.metrics)) {
          expect(job(rendered, spec.name)["dns_sd_configs"][0].names[0]).toMatch(new RegExp(`\\.${namespace}\\.svc\\.cluster\\.local$`));
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe("renderPrometheusConfig: fixed jobs, probes and globals", () => {
  it("scrapes every infrastructure component at its host label, Prometheus itself on localhost", () => {
    const rendered = render(dev);
    for (const [name, infra] of Object.entries(INFRASTRUCTURE_JOBS)) {
      const expected = "self" in infra ? `localhost:${infra.port}` : `${infra.host}:${infra.port}`;
      expect(job(rendered, name)["static_configs"], name).toEqual([{ targets: [expected] }]);
    }
  });

  it("lets a planned service replace the fixed job of the same name", () => {
    const addressing = dockerAddressing();
    const kong = planServices(dev, addressing).find((s) => s.name === "kong")!;
    const grafana = { ...kong, name: "grafana", host: "grafana", metrics: { port: "status", path: "/grafana-metrics" } } as unknown as ServiceSpec;
    const rendered = parse(renderPrometheusConfig({ specs: [grafana], addressing, env: "dev", discovery: "static", publicUrl: dev.publicUrl })) as Rendered;
    expect(rendered.scrape_configs.filter((j) => j.job_name === "grafana")).toEqual([
      { job_name: "grafana", metrics_path: "/grafana-metrics", static_configs: [{ targets: ["grafana:8100"] }] },
    ]);
  });

  it("keeps pushed job and instance labels on the Pushgateway job only", () => {
    const rendered = render(dev);
    expect(rendered.scrape_configs.filter((j) => j["honor_labels"]).map((j) => j.job_name)).toEqual(["pushgateway"]);
  });

  it("discovers node_exporter on every node on Kubernetes, and takes overrides for a fixed job's targets", () => {
    expect(job(render(prod), "node")["dns_sd_configs"]).toEqual([{ names: ["node-exporter.supa.svc.cluster.local"], type: "A", port: 9100 }]);
    const rendered = render(dev, { targets: { node: ["host.docker.internal:9100"], alertmanager: ["127.0.0.1:19093"] } });
    expect(job(rendered, "node")["static_configs"]).toEqual([{ targets: ["host.docker.internal:9100"] }]);
    expect(rendered.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:19093"] }] }] });
  });

  it("probes each public route through the public URL, via the blackbox exporter", () => {
    const blackbox = job(render(prod), "blackbox");
    expect(blackbox["metrics_path"]).toBe("/probe");
    expect(blackbox["static_configs"]).toEqual(
      GATEWAY_PROBES.map((p) => ({ targets: [`https://api.example.com${p.path}`], labels: { probe: p.name, service: p.service, module: p.module } })),
    );
    expect(blackbox["relabel_configs"]).toContainEqual({ target_label: "__address__", replacement: "blackbox-exporter.supa.svc.cluster.local:9115" });
  });

  it("probes the gateway on the Docker network when the public URL is the developer's localhost", () => {
    const targets = job(render(dev), "blackbox")["static_configs"].map((c: { targets: string[] }) => c.targets[0]);
    expect(targets[0]).toBe("http://kong:8000/auth/v1/.well-known/jwks.json");
  });

  it("labels every alert with the stack's env and loads every rule file of the rules directory", () => {
    const rendered = render(prod, { baseDir: "/opt/prom", intervals: { scrape: "5s", evaluation: "10s" } });
    expect(rendered.global).toEqual({ scrape_interval: "5s", evaluation_interval: "10s", external_labels: { env: "prod" } });
    expect(rendered.rule_files).toEqual(["/opt/prom/rules/*.yml"]);
    expect(render(dev).global).toMatchObject({ scrape_interval: "30s", evaluation_interval: "30s", external_labels: { env: "dev" } });
  });
});
