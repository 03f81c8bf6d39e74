import { readFileSync } from "node:fs";

/** Environment variables as the CLIs receive them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Raised for a secret that is missing or set wrongly; the message names the variable, never the value. */
export class SecretError extends Error {
  override readonly name = "SecretError";
}

/** The value of `NAME`, or the contents of the file named by `NAME_FILE` (one trailing newline dropped); undefined when neither is set. */
export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new SecretError(`set ${name} or ${name}_FILE, not both`);
  if (!file) return direct || undefined;
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (error) {
    throw new SecretError(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const value = content.replace(/\r?\n$/, "");
  if (value === "") throw new SecretError(`${name}_FILE: ${file} is empty`);
  return value;
}
