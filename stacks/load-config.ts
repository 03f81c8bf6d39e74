import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, PROJECT, SECRET_CONFIG_KEYS, parseConfig, type SecretConfigKey, type StackConfig } from "./config.js";

/** The validated config of the running stack plus its secret config values. */
export interface LoadedConfig {
  /** Validated settings with defaults applied. */
  readonly config: StackConfig;
  /** The secret config values that are set. */
  readonly secrets: Partial<Record<SecretConfigKey, pulumi.Output<string>>>;
}

/** Reads every project key from the Pulumi config and validates it before any resource exists. */
export function loadConfig(): LoadedConfig {
  const cfg = new pulumi.Config(PROJECT);
  const known = new Set<string>([...CONFIG_KEYS, ...SECRET_CONFIG_KEYS]);
  const unknown = Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith(`${PROJECT}:`))
    .map((k) => k.slice(PROJECT.length + 1))
    .filter((k) => !known.has(k));
  const raw: Record<string, unknown> = {};
  for (const key of [...CONFIG_KEYS, ...unknown]) {
    const text = cfg.get(key);
    if (text !== undefined && text !== "") raw[key] = decode(text);
  }
  const secrets: Partial<Record<SecretConfigKey, pulumi.Output<string>>> = {};
  for (const key of SECRET_CONFIG_KEYS) {
    const value = cfg.getSecret(key);
    if (value !== undefined) secrets[key] = value;
  }
  const config = parseConfig(raw, pulumi.getStack(), new Set(Object.keys(secrets) as SecretConfigKey[]));
  return { config, secrets };
}

function decode(text: string): unknown {
  if (!/^\s*[[{]|^(true|false|-?\d+(\.\d+)?)$/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
