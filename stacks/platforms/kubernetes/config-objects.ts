import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, Template } from "../../model.js";
import { resolve, type SecretValues } from "../../secrets.js";
import { render } from "../../template.js";
import { secretEnv } from "./env.js";
import { splitFiles } from "./files.js";

/** Inputs to the objects that carry one service's secret env and files. */
export interface ConfigObjectsArgs {
  /** The service. */
  readonly spec: ContainerSpec;
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  /** The stack's secret values. */
  readonly secrets: SecretValues;
}

/** The objects a service's pods reference; each exists only when it has content. */
export interface ConfigObjects {
  /** One Secret holding every env value that references a secret, keyed by variable name. */
  readonly envSecret?: k8s.core.v1.Secret;
  /** Files whose content holds a secret, keyed by file name. */
  readonly fileSecret?: k8s.core.v1.Secret;
  /** Files without secrets, keyed by file name. */
  readonly fileConfigMap?: k8s.core.v1.ConfigMap;
}

/**
 * Creates immutable, autonamed (`<name>-<8 hex>`) Secrets and ConfigMaps. A content change replaces the object
 * under a new name, and the pod templates that reference the name roll.
 */
export function createConfigObjects(name: string, args: ConfigObjectsArgs, opts: pulumi.CustomResourceOptions): ConfigObjects {
  const { spec, secrets } = args;
  const metadata = { namespace: args.namespace, labels: args.labels };
  const { plain, secret } = splitFiles(spec);
  const envEntries = Object.entries(secretEnv(spec));
  const secretData = (entries: [string, Template][]) => Object.fromEntries(entries.map(([key, value]) => [key, resolve(value, secrets)]));
  return {
    ...(envEntries.length > 0 && {
      envSecret: new k8s.core.v1.Secret(`${name}-env`, { metadata, type: "Opaque", immutable: true, stringData: secretData(envEntries) }, opts),
    }),
    ...(secret.length > 0 && {
      fileSecret: new k8s.core.v1.Secret(
        `${name}-files`,
        { metadata, type: "Opaque", immutable: true, stringData: secretData(secret.map((f) => [f.name, f.content])) },
        opts,
      ),
    }),
    ...(plain.length > 0 && {
      fileConfigMap: new k8s.core.v1.ConfigMap(
        `${name}-files`,
        { metadata, immutable: true, data: Object.fromEntries(plain.map((f) => [f.name, render(f.content, () => "")])) },
        opts,
      ),
    }),
  };
}
