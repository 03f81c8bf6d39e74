import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT, SECRET_CONFIG_KEYS, type SecretConfigKey } from "../../stacks/config.js";
import type { StackName } from "./cli-args.js";
import type { Host } from "./host.js";
import { STACK_CONFIG_DIR } from "./project-file.js";

/** A stack file read the way the program will see its `supabase:*` keys. */
export interface StackFile {
  /** Path relative to the repository root, for messages. */
  readonly path: string;
  /** "missing" when there is no such file; the parse error when it is not YAML. */
  readonly state: "ok" | "missing" | { readonly parseError: string };
  /** Project keys without the prefix, decoded as the program decodes them; secret keys excluded. */
  readonly raw: Record<string, unknown>;
  /** Secret keys that have a value. */
  readonly secretKeys: ReadonlySet<SecretConfigKey>;
  /** Secret keys stored in plain text instead of `secure:` ciphertext. */
  readonly plaintextSecrets: readonly string[];
  /** Whether the file carries an `encryptionsalt`, i.e. was initialised with some passphrase. */
  readonly hasEncryptionSalt: boolean;
}

/** Path of a stack's file relative to the repository root. */
export const stackFilePath = (stack: StackName): string => `${STACK_CONFIG_DIR}/Pulumi.${stack}.yaml`;

/** Reads `stacks/Pulumi.<stack>.yaml`; never throws. */
export function readStackFile(stack: StackName, host: Host): StackFile {
  const path = stackFilePath(stack);
  const empty = { path, raw: {}, secretKeys: new Set<SecretConfigKey>(), plaintextSecrets: [], hasEncryptionSalt: false };
  const text = host.readFile(join(host.repoDir, path));
  if (text === undefined) return { ...empty, state: "missing" };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return { ...empty, state: { parseError: error instanceof Error ? error.message.split("\n")[0]! : String(error) } };
  }
  const file = (doc !== null && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
  const config = (file["config"] !== null && typeof file["config"] === "object" ? file["config"] : {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  const secretKeys = new Set<SecretConfigKey>();
  const plaintextSecrets: string[] = [];
  for (const [qualified, value] of Object.entries(config)) {
    if (!qualified.startsWith(`${PROJECT}:`)) continue;
    const key = qualified.slice(PROJECT.length + 1);
    const encrypted = value !== null && typeof value === "object" && "secure" in value;
    if (isSecretKey(key)) {
      secretKeys.add(key);
      if (!encrypted) plaintextSecrets.push(qualified);
    } else if (!encrypted && value !== "" && value !== null) {
      raw[key] = decode(value);
    }
  }
  return { ...empty, state: "ok", raw, secretKeys, plaintextSecrets, hasEncryptionSalt: typeof file["encryptionsalt"] === "string" };
}

/** The platform a stack targets: its `supabase:platform`, else docker for dev and kubernetes otherwise. */
export function stackPlatform(stack: StackName, file: StackFile): "docker" | "kubernetes" {
  const platform = file.raw["platform"];
  if (platform === "docker" || platform === "kubernetes") return platform;
  return stack === "dev" ? "docker" : "kubernetes";
}

/** A non-empty string setting from the stack file, e.g. kubeContext or dockerHost. */
export function stringSetting(file: StackFile, key: string): string | undefined {
  const value = file.raw[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isSecretKey(key: string): key is SecretConfigKey {
  return (SECRET_CONFIG_KEYS as readonly string[]).includes(key);
}

/** Pulumi hands scalars to the program as text, which the program JSON-decodes when it looks like JSON. */
function decode(value: unknown): unknown {
  if (typeof value === "object") return value;
  const text = String(value);
  if (!/^\s*[[{]|^(true|false|-?\d+(\.\d+)?)$/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
