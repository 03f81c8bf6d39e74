import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, PROJECT, SECRET_CONFIG_KEYS, parseConfig, type SecretConfigKey, type StackConfig } from "./config.js";

/** The validated config of the running stack plus its secret config values. */
export interface LoadedConfig {
  /** Validated settings with defaults applied. */
  readonly config: StackConfig;
  /** SMTP password, when set. */
  readonly smtpPassword?: pulumi.Output<string>;
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
  const smtpPassword = cfg.getSecret("smtpPassword");
  const present = new Set<SecretConfigKey>(smtpPassword === undefined ? [] : ["smtpPassword"]);
  const config = parseConfig(raw, pulumi.getStack(), present);
  return smtpPassword === undefined ? { config } : { config, smtpPassword };
}

function decode(text: string): unknown {
  if (!/^\s*[[{]|^(true|false|-?\d+(\.\d+)?)$/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
