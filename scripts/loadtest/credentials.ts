import { firstLine } from "../lib/check.js";
import type { Host } from "../lib/host.js";

/** Environment variables that carry secrets to k6; each may instead name a file with <NAME>_FILE. */
export const SECRET_ENV = ["SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "JWT_SECRET"] as const;
export type SecretEnv = (typeof SECRET_ENV)[number];

/** Where the run's URL and secrets came from, keyed by the env names k6 reads. */
export interface Credentials {
  readonly values: Partial<Record<SecretEnv | "SUPABASE_URL", string>>;
  /** Files that were named but unreadable or empty. */
  readonly problems: readonly string[];
}

/** Reads each secret from NAME, else from the file named by NAME_FILE; SUPABASE_URL from the environment. */
export function credentialsFromEnv(host: Host): Credentials {
  const values: Credentials["values"] = {};
  const problems: string[] = [];
  const url = host.env["SUPABASE_URL"]?.trim();
  if (url) values.SUPABASE_URL = url;
  for (const name of SECRET_ENV) {
    const direct = host.env[name]?.trim();
    const file = host.env[`${name}_FILE`]?.trim();
    if (direct) values[name] = direct;
    else if (file) {
      const content = host.readFile(file)?.trim();
      if (content) values[name] = content;
      else problems.push(`${name}_FILE: cannot read a value from ${file}`);
    }
  }
  return { values, problems };
}

/** The stack's apiUrl, anonKey and serviceRoleKey from `pulumi stack output --json --show-secrets`; output is parsed, never printed. */
export async function credentialsFromStack(host: Host, stack: string): Promise<Credentials> {
  const result = await host.run("pulumi", ["stack", "output", "--json", "--show-secrets", "-s", stack]);
  if (result.code !== 0) {
    return { values: {}, problems: [`pulumi stack output -s ${stack} failed (exit ${result.code}): ${firstLine(result.stderr) || "no output"}; run npm run up first, or export SUPABASE_URL and the keys instead of --from-stack`] };
  }
  let outputs: Record<string, unknown>;
  try {
    outputs = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    return { values: {}, problems: [`pulumi stack output -s ${stack} did not print JSON`] };
  }
  const pick = (key: string): string | undefined => (typeof outputs[key] === "string" && outputs[key] ? (outputs[key] as string) : undefined);
  const values: Credentials["values"] = {};
  const problems: string[] = [];
  for (const [env, key] of [["SUPABASE_URL", "apiUrl"], ["SUPABASE_ANON_KEY", "anonKey"], ["SUPABASE_SERVICE_ROLE_KEY", "serviceRoleKey"]] as const) {
    const value = pick(key);
    if (value) values[env] = value;
    else problems.push(`stack ${stack} has no output '${key}'`);
  }
  return { values, problems };
}
