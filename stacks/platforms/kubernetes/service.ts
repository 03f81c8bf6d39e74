import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../model.js";
import { selectorLabels, serviceLabels, type LabelContext } from "./labels.js";

/** The headless Service that governs a StatefulSet's pod names: the peers service when the spec forms a cluster. */
export function governingServiceName(spec: ServiceSpec): string {
  return spec.cluster?.peersHost ?? `${spec.host}-headless`;
}

/**
 * Names of the headless Services a spec needs: its peers service, and the governing one of a StatefulSet or of a
 * service whose replicas Prometheus finds by DNS (its `metrics` scrape job).
 */
export function headlessServiceNames(spec: ServiceSpec): string[] {
  const governed = spec.kind === "stateful" || spec.metrics !== undefined;
  const names = [spec.cluster?.peersHost, governed ? governingServiceName(spec) : undefined];
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * The Service named after the spec's host, exposing its named ports: a ClusterIP, or for a per-node service a
 * headless one whose DNS name lists every node's pod (one address would hide all nodes but one).
 */
export function clusterServiceArgs(spec: ServiceSpec, namespace: pulumi.Input<string>, labels: LabelContext): k8s.core.v1.ServiceArgs {
  return serviceArgs(spec, spec.host, namespace, labels, spec.kind === "per-node" ? { clusterIP: "None" } : { type: "ClusterIP" });
}

/** A headless Service that publishes every pod's address, ready or not, for peer discovery and stable pod names. */
export function headlessServiceArgs(spec: ServiceSpec, name: string, namespace: pulumi.Input<string>, labels: LabelContext): k8s.core.v1.ServiceArgs {
  return serviceArgs(spec, name, namespace, labels, { clusterIP: "None", publishNotReadyAddresses: true });
}

function serviceArgs(
  spec: ServiceSpec,
  name: string,
  namespace: pulumi.Input<string>,
  labels: LabelContext,
  extra: k8s.types.input.core.v1.ServiceSpec,
): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name, namespace, labels: serviceLabels(spec, labels) },
    spec: {
      ...extra,
      selector: selectorLabels(spec, labels),
      ports: [...spec.ports, ...(spec.sidecars ?? []).flatMap((s) => s.ports)].map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })),
    },
  };
}
