import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SecretValues } from "../../secrets.js";
import { renderK6TestRun, type K6TestRunArgs } from "../../loadtest/testrun.js";

/** Inputs to one distributed k6 release run on the cluster. */
export interface LoadTestRunArgs {
  /** The TestRun settings; the script ConfigMap and runner Secret names are filled in here. */
  readonly run: Omit<K6TestRunArgs, "scriptConfigMap" | "secretName">;
  /** The `k6 archive` of tests/load/all.ts, built with `archiveCommand`. */
  readonly archive: Buffer;
  /** The stack's secrets: the API keys and JWT secret the runners use. */
  readonly secrets: SecretValues;
}

/** ConfigMaps hold at most 1 MiB, and so does the script archive. */
const MAX_ARCHIVE_BYTES = 1024 * 1024;
const ARCHIVE_KEY = "archive.tar";

/**
 * A k6-operator TestRun with its script archive in a ConfigMap and the runners' keys in a Secret. k6-operator does
 * not merge thresholds across runners, so the gate is `gateQuery`, evaluated on the remote-written series.
 */
export class LoadTestRun extends pulumi.ComponentResource {
  /** PromQL that returns one series per failed gate; empty means the release gate passed. */
  readonly gateQuery: string;
  /** The command that builds the archive with the same options as the runners. */
  readonly archiveCommand: string;

  constructor(name: string, args: LoadTestRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:kubernetes:LoadTestRun", name, {}, opts);
    if (args.archive.length > MAX_ARCHIVE_BYTES) {
      throw new RangeError(`loadtest.testRun.archive: got ${args.archive.length} bytes; expected at most ${MAX_ARCHIVE_BYTES} (a ConfigMap's limit)`);
    }
    const checked = renderK6TestRun({ ...args.run, scriptConfigMap: "script", scriptFile: ARCHIVE_KEY, secretName: "keys" });
    const child = { parent: this };
    const { namespace } = args.run;
    const labels = { "app.kubernetes.io/name": "k6-loadtest", "app.kubernetes.io/part-of": "supabase" };
    const script = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      { metadata: { namespace, labels }, immutable: true, binaryData: { [ARCHIVE_KEY]: args.archive.toString("base64") } },
      child,
    );
    const keys = new k8s.core.v1.Secret(
      `${name}-keys`,
      {
        metadata: { namespace, labels },
        type: "Opaque",
        immutable: true,
        stringData: {
          SUPABASE_ANON_KEY: args.secrets.anonKey,
          SUPABASE_SERVICE_ROLE_KEY: args.secrets.serviceRoleKey,
          JWT_SECRET: args.secrets.jwtSecret,
        },
      },
      child,
    );
    const rendered = pulumi
      .all([script.metadata.name, keys.metadata.name])
      .apply(([scriptConfigMap, secretName]) => renderK6TestRun({ ...args.run, scriptConfigMap, scriptFile: ARCHIVE_KEY, secretName }).testRun);
    new k8s.apiextensions.CustomResource(
      `${name}-testrun`,
      {
        apiVersion: "k6.io/v1alpha1",
        kind: "TestRun",
        metadata: rendered.metadata,
        spec: rendered.spec,
      },
      { ...child, replaceOnChanges: ["spec"], deleteBeforeReplace: true },
    );
    this.gateQuery = checked.gateQuery;
    this.archiveCommand = checked.archiveCommand;
    this.registerOutputs({ gateQuery: this.gateQuery });
  }
}
