import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../model.js";
import { selectorLabels, serviceLabels, type LabelContext } from "./labels.js";

/** Whether a spec gets a PodDisruptionBudget: stateless services with at least two replicas. */
export function needsDisruptionBudget(spec: ServiceSpec): boolean {
  return spec.kind === "stateless" && spec.replicas >= 2;
}

/** A budget that lets voluntary disruptions (drains, upgrades) take down one pod at a time. */
export function disruptionBudgetArgs(spec: ServiceSpec, namespace: pulumi.Input<string>, labels: LabelContext): k8s.policy.v1.PodDisruptionBudgetArgs {
  return {
    metadata: { name: spec.host, namespace, labels: serviceLabels(spec, labels) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec, labels) } },
  };
}
