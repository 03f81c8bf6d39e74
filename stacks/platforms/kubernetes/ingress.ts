import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config.js";
import type { PortSpec, ServiceSpec } from "../../model.js";
import { serviceLabels, type LabelContext } from "./labels.js";

/** Largest request body the Ingress accepts. */
const MAX_BODY_SIZE = "50m";

/** The one spec with a public port, and that port; undefined when nothing is public. Throws on more than one. */
export function publicEndpoint(specs: readonly ServiceSpec[]): { readonly spec: ServiceSpec; readonly port: PortSpec } | undefined {
  const found = specs.flatMap((spec) => spec.ports.filter((p) => p.public).map((port) => ({ spec, port })));
  if (found.length > 1) {
    throw new Error(`one public port expected, found ${found.map((f) => `${f.spec.name}/${f.port.name}`).join(", ")}`);
  }
  return found[0];
}

/**
 * The Ingress that routes the public URL's host to the public port. With an https URL it terminates TLS with a
 * certificate cert-manager issues from `ingress.tlsIssuer` into `<host>-tls`. Proxied requests and websockets may
 * stay idle for `ingress.websocketTimeoutSeconds`.
 */
export function ingressArgs(
  endpoint: { readonly spec: ServiceSpec; readonly port: PortSpec },
  config: Pick<StackConfig, "publicUrl" | "ingress">,
  namespace: pulumi.Input<string>,
  labels: LabelContext,
): k8s.networking.v1.IngressArgs {
  const { spec, port } = endpoint;
  const url = new URL(config.publicUrl);
  const tls = url.protocol === "https:";
  return {
    metadata: {
      name: spec.host,
      namespace,
      labels: serviceLabels(spec, labels),
      annotations: {
        "nginx.ingress.kubernetes.io/proxy-read-timeout": String(config.ingress.websocketTimeoutSeconds),
        "nginx.ingress.kubernetes.io/proxy-send-timeout": String(config.ingress.websocketTimeoutSeconds),
        "nginx.ingress.kubernetes.io/proxy-body-size": MAX_BODY_SIZE,
        ...(tls && config.ingress.tlsIssuer !== undefined && { "cert-manager.io/cluster-issuer": config.ingress.tlsIssuer }),
      },
    },
    spec: {
      ingressClassName: config.ingress.className,
      rules: [
        {
          host: url.hostname,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: spec.host, port: { name: port.name } } } }] },
        },
      ],
      ...(tls && { tls: [{ hosts: [url.hostname], secretName: `${spec.host}-tls` }] }),
    },
  };
}
