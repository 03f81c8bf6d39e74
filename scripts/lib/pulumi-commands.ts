import type { StackName } from "./cli-args.js";
import type { EnsuredPassphrase } from "./passphrase.js";

/** The Pulumi CLI executable. */
export const PULUMI = "pulumi";

/** What a run of `up` asks Pulumi to do. */
export interface UpPlan {
  readonly stack: StackName;
  readonly action: "up" | "preview";
  /** Skip Pulumi's confirmation prompt (and, for dev only, the preview). */
  readonly yes: boolean;
}

/** The Pulumi argument lists for a plan, in order: select-or-create the stack, then update or preview it. */
export function pulumiCommands(plan: UpPlan): readonly (readonly string[])[] {
  const stack = ["--stack", plan.stack];
  const select = ["stack", "select", "--create", ...stack, "--secrets-provider", "passphrase"];
  if (plan.action === "preview") return [select, ["preview", ...stack]];
  const confirm = !plan.yes ? [] : plan.stack === "dev" ? ["--yes", "--skip-preview"] : ["--yes"];
  return [select, ["up", ...stack, ...confirm]];
}

/** Loud notices a plan deserves before it runs. */
export function planNotices(plan: UpPlan): string[] {
  if (plan.action !== "up" || !plan.yes || plan.stack === "dev") return [];
  return [
    `!!! --yes on ${plan.stack}: Pulumi will show the preview and then apply it WITHOUT asking for confirmation.`,
    `!!! Press Ctrl-C now if you did not mean to change ${plan.stack} unattended.`,
  ];
}

/**
 * The child environment for Pulumi: the caller's, plus the backend URL and the passphrase source.
 * An empty PULUMI_CONFIG_PASSPHRASE is dropped because Pulumi would take it as the passphrase.
 */
export function pulumiEnv(env: Readonly<Record<string, string | undefined>>, backendUrl: string, passphrase: EnsuredPassphrase["source"]): Record<string, string> {
  const child: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) child[key] = value;
  child["PULUMI_BACKEND_URL"] = backendUrl;
  if (passphrase.kind !== "variable") delete child["PULUMI_CONFIG_PASSPHRASE"];
  if (passphrase.kind === "dev-file") child["PULUMI_CONFIG_PASSPHRASE_FILE"] = passphrase.path;
  return child;
}

/** A command line for display, quoting arguments that need it. */
export function showCommand(args: readonly string[]): string {
  return [PULUMI, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
