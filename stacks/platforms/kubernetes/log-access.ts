import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../model.js";
import { serviceLabels, type LabelContext } from "./labels.js";

/** What a log collector needs in its own namespace: find the pods and stream their logs. */
const LOG_READER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
];

/** The Role that lets a log collector read the pods and logs of the namespace, named after its host. */
export function logReaderRoleArgs(spec: ServiceSpec, namespace: pulumi.Input<string>, labels: LabelContext): k8s.rbac.v1.RoleArgs {
  return { metadata: { name: `${spec.host}-log-reader`, namespace, labels: serviceLabels(spec, labels) }, rules: LOG_READER_RULES };
}

/** Binds the log-reader Role to the collector's own ServiceAccount (named after its host). */
export function logReaderBindingArgs(spec: ServiceSpec, namespace: pulumi.Input<string>, labels: LabelContext): k8s.rbac.v1.RoleBindingArgs {
  return {
    metadata: { name: `${spec.host}-log-reader`, namespace, labels: serviceLabels(spec, labels) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${spec.host}-log-reader` },
    subjects: [{ kind: "ServiceAccount", name: spec.host, namespace }],
  };
}
