import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StackName } from "./cli-args.js";

/** The two variables Pulumi reads the passphrase from; the first wins when both are set. */
export const PASSPHRASE_VARS = ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"] as const;

/** Name of the passphrase file that `up` generates for the dev stack, inside the state folder. */
export const DEV_PASSPHRASE_FILE = "dev.passphrase";

/** Where the passphrase for a run comes from; never the passphrase itself. */
export type PassphraseSource =
  | { readonly kind: "variable" }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "dev-file"; readonly path: string; readonly exists: boolean }
  | { readonly kind: "missing" };

/** Raised when a staging or prod run has no passphrase. */
export class PassphraseError extends Error {
  override readonly name = "PassphraseError";
}

/**
 * Picks the passphrase source: PULUMI_CONFIG_PASSPHRASE, then PULUMI_CONFIG_PASSPHRASE_FILE (empty counts as unset),
 * then for dev only the generated file in the state folder.
 */
export function findPassphrase(stack: StackName, env: Readonly<Record<string, string | undefined>>, stateDir: string, exists: (path: string) => boolean): PassphraseSource {
  if (env["PULUMI_CONFIG_PASSPHRASE"]) return { kind: "variable" };
  const file = env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  if (file) return { kind: "file", path: file };
  if (stack !== "dev") return { kind: "missing" };
  const path = join(stateDir, DEV_PASSPHRASE_FILE);
  return { kind: "dev-file", path, exists: exists(path) };
}

/** The message for a stack that has no passphrase, naming both variables. */
export const missingPassphraseMessage = (stack: StackName): string =>
  `no passphrase for the ${stack} stack: set ${PASSPHRASE_VARS[0]} or ${PASSPHRASE_VARS[1]} (a file holding it); ` +
  `use the passphrase the stack was created with, kept in your team's secret store`;

/** The result of ensurePassphrase: the source, and whether a new dev passphrase file was written. */
export interface EnsuredPassphrase {
  readonly source: Exclude<PassphraseSource, { kind: "missing" }>;
  readonly generated: boolean;
}

/** Finds the passphrase, generating the dev file (mode 0600) when dev has none; throws PassphraseError otherwise. */
export function ensurePassphrase(stack: StackName, env: Readonly<Record<string, string | undefined>>, stateDir: string): EnsuredPassphrase {
  const source = findPassphrase(stack, env, stateDir, existsSync);
  if (source.kind === "missing") throw new PassphraseError(missingPassphraseMessage(stack));
  if (source.kind !== "dev-file" || source.exists) return { source, generated: false };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(source.path, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  return { source: { ...source, exists: true }, generated: true };
}
