import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { PROJECT } from "./config.js";

/** The stacks this repository ships a stack file for. */
export const STACK_NAMES = ["dev", "staging", "prod"] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** The repository root (the folder holding Pulumi.yaml). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Stack config as the Pulumi CLI would hand it to the program. */
export interface StackFileConfig {
  /** Project keys without the `supabase:` prefix, structured values as objects; secure values as "[secret]". */
  readonly raw: Record<string, unknown>;
  /** Fully qualified keys with values as the CLI passes them (JSON text for structured values). */
  readonly values: Record<string, string>;
  /** Fully qualified keys whose values are secrets. */
  readonly secretKeys: string[];
  /** Typed project keys that have neither a default nor a value (the CLI refuses to run). */
  readonly missing: string[];
}

interface Declaration {
  type?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}
type DeclaredKey = Declaration | string | number | boolean | unknown[] | null;

const isDeclaration = (d: DeclaredKey): d is Declaration => d !== null && typeof d === "object" && !Array.isArray(d);

/**
 * Merges Pulumi.yaml defaults and values with `stacks/Pulumi.<stack>.yaml`, then `overrides` (keys without prefix).
 * Secure values are replaced by a placeholder: they cannot be decrypted without the passphrase.
 */
export function readStackConfig(stack: string, overrides: Record<string, unknown> = {}, root = REPO_ROOT): StackFileConfig {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { config?: Record<string, DeclaredKey> };
  const stackFile = parse(readFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> } | null;
  const merged = new Map<string, unknown>();
  const secretKeys = new Set<string>();
  const declared = project.config ?? {};
  const qualify = (key: string): string => (key.includes(":") ? key : `${PROJECT}:${key}`);
  for (const [key, decl] of Object.entries(declared)) {
    const value = isDeclaration(decl) ? (decl.value ?? decl.default) : decl;
    if (value !== undefined) merged.set(qualify(key), value);
  }
  for (const [key, value] of Object.entries(stackFile?.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      merged.set(key, "[secret]");
      secretKeys.add(key);
    } else merged.set(key, value);
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) merged.delete(`${PROJECT}:${key}`);
    else merged.set(`${PROJECT}:${key}`, value);
  }
  const missing = Object.entries(declared)
    .filter(([key, decl]) => isDeclaration(decl) && decl.type !== undefined && decl.default === undefined && !merged.has(qualify(key)))
    .map(([key]) => key);
  const raw: Record<string, unknown> = {};
  const values: Record<string, string> = {};
  for (const [key, value] of merged) {
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (key.startsWith(`${PROJECT}:`) && value !== "") raw[key.slice(PROJECT.length + 1)] = value;
  }
  return { raw, values, secretKeys: [...secretKeys].filter((k) => merged.has(k)), missing };
}
