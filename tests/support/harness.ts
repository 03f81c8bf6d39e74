import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, type StackName } from "./stack-config.js";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One resource registration seen by the mock monitor. */
export interface Recorded {
  /** Resource type token, e.g. kubernetes:apps/v1:Deployment. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** `type::name`; unique within a correct program. */
  readonly urn: string;
  /** False for component resources. */
  readonly custom: boolean;
  /** Provider reference (`<urn>::<id>`), empty for the default provider. */
  readonly provider: string;
  /** Inputs with secret wrappers removed and autonames filled. */
  readonly inputs: any;
  /** Inputs as received, secret wrappers kept. */
  readonly raw: any;
  /** JSON paths (a.b[0].c) of inputs that arrived as secrets. */
  readonly secretPaths: readonly string[];
  /** Resource options the program set. */
  readonly options: RecordedOptions;
}

/** The resource options the engine would receive. */
export interface RecordedOptions {
  /** Pulumi refuses to delete the resource. */
  readonly protect: boolean;
  /** Deleting the resource from the program leaves the real object in place. */
  readonly retainOnDelete: boolean;
  /** Input paths whose changes are ignored. */
  readonly ignoreChanges: readonly string[];
  /** Input paths whose changes replace the resource. */
  readonly replaceOnChanges: readonly string[];
  /** URNs of explicit dependencies. */
  readonly dependencies: readonly string[];
}

const NO_OPTIONS: RecordedOptions = { protect: false, retainOnDelete: false, ignoreChanges: [], replaceOnChanges: [], dependencies: [] };
let optionsByResource: Map<string, RecordedOptions> | undefined;

/** Captures each registration's options, which mocks do not pass to newResource. */
async function recordOptions(): Promise<Map<string, RecordedOptions>> {
  if (optionsByResource) return optionsByResource;
  const captured = new Map<string, RecordedOptions>();
  const { MockMonitor } = await import("@pulumi/pulumi/runtime/mocks.js");
  const register = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: unknown, req: any, callback: any) {
    captured.set(`${req.getType()}::${req.getName()}`, {
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete()),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      dependencies: req.getDependenciesList(),
    });
    return register.call(this, req, callback);
  };
  optionsByResource = captured;
  return captured;
}

/** What one mocked run produced. */
export interface MockedRun<T> {
  /** Every registration, in order. */
  readonly resources: Recorded[];
  /** What the program callback returned. */
  readonly result: T;
  /** Every value the random provider mock generated (raw secrets). */
  readonly generated: readonly string[];
}

/** Options of one mocked run. */
export interface RunOptions {
  /** Stack whose Pulumi.yaml defaults and stack file provide the config. */
  readonly stack?: StackName;
  /** Run as a preview: outputs not returned by the mock stay unknown. */
  readonly preview?: boolean;
  /** Config overrides, keys without the project prefix. */
  readonly config?: Record<string, unknown>;
  /** Provider-computed outputs to add to a resource's state (e.g. a container's exit code). */
  readonly outputs?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

const hex = (seed: string, length: number): string => {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}/${i}`).digest("hex");
  return out.slice(0, length);
};

/** Removes secret wrappers, recording where they were. */
export function unwrapSecrets(value: unknown, path = "", found: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, found));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) {
      found.push(path);
      return unwrapSecrets(obj["value"], path, []);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, found)]));
  }
  return value;
}

/** A PEM block around stand-in bytes: the TLS provider's output shape, not a usable key or certificate. */
function pem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(body, "hex").toString("base64")}\n-----END ${label}-----\n`;
}

function mockState(args: pulumi.runtime.MockResourceArgs, generated: string[]): Record<string, unknown> {
  const inputs = args.inputs as Record<string, any>;
  switch (args.type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = hex(`password/${args.name}`, Number(inputs["length"] ?? 32));
      generated.push(result);
      return { ...inputs, result };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = Buffer.from(hex(`bytes/${args.name}`, Number(inputs["length"] ?? 32) * 2), "hex");
      generated.push(bytes.toString("base64"), bytes.toString("hex"));
      return { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "tls:index/privateKey:PrivateKey": {
      const privateKeyPem = pem("EC PRIVATE KEY", hex(`key/${args.name}`, 64));
      generated.push(privateKeyPem);
      return { ...inputs, privateKeyPem };
    }
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: pem("CERTIFICATE REQUEST", hex(`csr/${args.name}`, 64)) };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...inputs, certPem: pem("CERTIFICATE", hex(`cert/${args.name}`, 64)) };
    case "docker:index/container:Container":
      return inputs["attach"] ? { ...inputs, exitCode: 0 } : inputs;
    case "docker:index/image:Image": {
      const name = String(inputs["imageName"]);
      const digest = `sha256:${hex(`built/${name}`, 64)}`;
      return { ...inputs, repoDigest: inputs["skipPush"] ? digest : `${name.replace(/:[^/:]+$/, "")}@${digest}`, baseImageName: name };
    }
    case "docker:index/remoteImage:RemoteImage":
      return { ...inputs, repoDigest: `${inputs["name"]}@sha256:${hex(String(inputs["name"]), 64)}`, imageId: `sha256:${hex(`id/${inputs["name"]}`, 64)}` };
  }
  if (args.type.startsWith("kubernetes:") && inputs["metadata"] && typeof inputs["metadata"] === "object" && !inputs["metadata"]["name"]) {
    const digest = hex(JSON.stringify(unwrapSecrets(inputs)), 8);
    return { ...inputs, metadata: { ...inputs["metadata"], name: `${args.name}-${digest}` } };
  }
  return inputs;
}

/**
 * Runs `program` under Pulumi mocks with the stack's config and records every registration.
 * Import modules that create resources inside `program` (after the mocks are installed).
 */
export async function runMocked<T>(program: () => Promise<T>, opts: RunOptions = {}): Promise<MockedRun<T>> {
  const stack = opts.stack ?? "dev";
  const { values, secretKeys } = loadStackConfig(stack, opts.config ?? {});
  pulumi.runtime.setAllConfig(values, secretKeys);
  const resources: Recorded[] = [];
  const generated: string[] = [];
  const options = await recordOptions();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = { ...mockState(args, generated), ...opts.outputs?.(args.type, args.name, args.inputs) };
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(state, "", secretPaths);
        resources.push({
          type: args.type,
          name: args.name,
          urn: `${args.type}::${args.name}`,
          custom: args.custom ?? true,
          provider: args.provider ?? "",
          inputs,
          raw: args.inputs,
          secretPaths,
          options: options.get(`${args.type}::${args.name}`) ?? NO_OPTIONS,
        });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    "supabase",
    stack,
    opts.preview ?? false,
    "organization",
  );
  const result = await program();
  await pulumi.runtime.disconnect();
  return { resources, result, generated };
}

/** Reads an Output's value (undefined when unknown), without hanging in preview. */
export async function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T | undefined> {
  if (pulumi.Output.isInstance(output)) return (output as any).promise() as Promise<T | undefined>;
  return output as T;
}

