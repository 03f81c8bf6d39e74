import { parseConfig } from "../config.js";
import { dockerAddressing } from "../platforms/docker/addressing.js";
import { kubernetesAddressing } from "../platforms/kubernetes/addressing.js";
import { planServices } from "../services/index.js";
import { readStackConfig, type StackName } from "../stack-files.js";
import { stackPrometheusConfig } from "./stack-prometheus.js";

/** A committed rendering of prometheus.yml, kept in step with the generator by a drift test. */
export interface PrometheusExample {
  /** Path relative to the repository root. */
  readonly file: string;
  /** The stack whose config it is rendered from. */
  readonly stack: StackName;
}

/** One example per platform: dev on Docker, prod (replicas, https) on Kubernetes. */
export const PROMETHEUS_EXAMPLES: readonly PrometheusExample[] = [
  { file: "monitoring/prometheus/prometheus.docker.example.yml", stack: "dev" },
  { file: "monitoring/prometheus/prometheus.kubernetes.example.yml", stack: "prod" },
];

/** Renders an example from its stack file (Pulumi.yaml defaults plus stacks/Pulumi.<stack>.yaml). */
export function renderPrometheusExample(example: PrometheusExample): string {
  const config = parseConfig(readStackConfig(example.stack).raw, example.stack);
  const addressing = config.platform === "kubernetes" ? kubernetesAddressing(config.namespace) : dockerAddressing();
  return stackPrometheusConfig(config, planServices(config, addressing), addressing);
}
