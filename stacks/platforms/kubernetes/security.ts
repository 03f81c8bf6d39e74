import type { types } from "@pulumi/kubernetes";
import type { SecuritySpec } from "../../model.js";

/**
 * The container's security context: no privilege escalation, no capabilities, the runtime's seccomp profile.
 * Kubernetes cannot set RLIMIT_NOFILE per container: `SecuritySpec.nofile` relies on the node's container runtime
 * default (containerd and CRI-O usually give 1048576).
 */
export function containerSecurityContext(security: SecuritySpec): types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    seccompProfile: { type: "RuntimeDefault" },
    ...(security.runAsUser === undefined ? {} : { runAsUser: security.runAsUser, runAsNonRoot: security.runAsUser !== 0 }),
  };
}

/** The pod's security context: the owning group of mounted volumes and the runtime's seccomp profile. */
export function podSecurityContext(security: SecuritySpec): types.input.core.v1.PodSecurityContext {
  return {
    seccompProfile: { type: "RuntimeDefault" },
    ...(security.runAsUser === undefined ? {} : { runAsNonRoot: security.runAsUser !== 0 }),
    ...(security.fsGroup === undefined ? {} : { fsGroup: security.fsGroup, fsGroupChangePolicy: "OnRootMismatch" }),
  };
}
