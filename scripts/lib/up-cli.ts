import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR, localBackendDir, redactUrl, resolveBackend } from "./backend.js";
import { passed } from "./check.js";
import { STACKS, type StackName, UsageError, parseFlags } from "./cli-args.js";
import type { Host } from "./host.js";
import { type EnsuredPassphrase, PassphraseError, ensurePassphrase, findPassphrase, missingPassphraseMessage } from "./passphrase.js";
import { runPreflight } from "./preflight.js";
import { readProjectFile } from "./project-file.js";
import { PULUMI, type UpPlan, planNotices, pulumiCommands, pulumiEnv, showCommand } from "./pulumi-commands.js";
import { type Output, preflightSummary } from "./report.js";
import { LockedError, acquireLock } from "./run-lock.js";
import type { StreamCommand } from "./stream-command.js";

const USAGE = `usage: npm run up [-- --stack ${STACKS.join("|")}] [--preview] [--yes] [--dry-run]
       npm run preview [-- --stack <name>]

Runs doctor's checks for the stack, then selects (or creates) it and runs pulumi up, or pulumi preview.
  --stack <name>  stack to deploy (default dev)
  --preview       show the changes without applying them
  --yes           dev: apply without preview or prompt; staging/prod: still preview, then apply without
                  prompting (printed loudly). Without it Pulumi asks before applying.
  --dry-run       run the checks and print the commands, without running Pulumi or writing anything
  --help          show this help
State: PULUMI_BACKEND_URL, else file://<repo>/${STATE_DIR}. Passphrase: PULUMI_CONFIG_PASSPHRASE or
PULUMI_CONFIG_PASSPHRASE_FILE; for dev only, generated once in ${STATE_DIR}/dev.passphrase when neither is set.
Exit code: Pulumi's; 1 when a check fails; 2 on a bad command line.`;

/** Options of the up command line. */
export interface UpArgs {
  readonly stack: StackName;
  readonly preview: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
}

/** What runUp needs from the outside world. */
export interface UpDeps {
  readonly host: Host;
  readonly io: Output;
  /** Runs Pulumi attached to the terminal. */
  readonly stream: StreamCommand;
}

/** Parses up's flags; throws UsageError naming the bad flag or value. */
export function parseUpArgs(argv: readonly string[]): UpArgs {
  const flags = parseFlags(argv, { switches: ["preview", "yes", "dry-run", "help"], options: { stack: STACKS } });
  const args = {
    stack: (flags.options["stack"] ?? "dev") as StackName,
    preview: flags.switches.has("preview"),
    yes: flags.switches.has("yes"),
    dryRun: flags.switches.has("dry-run"),
    help: flags.switches.has("help"),
  };
  if (args.preview && args.yes) throw new UsageError("--yes applies to an update; a --preview never changes anything and never asks");
  return args;
}

/** Runs up and returns the exit code (Pulumi's when it ran); never throws. */
export async function runUp(argv: readonly string[], deps: UpDeps): Promise<number> {
  const { io } = deps;
  let args: UpArgs;
  try {
    args = parseUpArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`up: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await deploy(args, deps);
  } catch (error) {
    const known = error instanceof PassphraseError || error instanceof LockedError;
    io.err(`up: ${known ? "" : "unexpected error: "}${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function deploy(args: UpArgs, { host, io, stream }: UpDeps): Promise<number> {
  const plan: UpPlan = { stack: args.stack, action: args.preview ? "preview" : "up", yes: args.yes };
  const checks = await runPreflight(args.stack, host);
  io.out(preflightSummary(checks, args.stack, io.color));
  if (!passed(checks)) return 1;

  const backend = resolveBackend(host, readProjectFile(host));
  const stateDir = join(host.repoDir, STATE_DIR);
  const commands = pulumiCommands(plan);
  for (const notice of planNotices(plan)) io.err(notice);
  if (args.dryRun) {
    const source = findPassphrase(args.stack, host.env, stateDir, (path) => host.fileMode(path) !== undefined);
    if (source.kind === "missing") throw new PassphraseError(missingPassphraseMessage(args.stack));
    const generate = source.kind === "dev-file" && !source.exists;
    io.out(`dry run: passphrase ${generate ? `would be generated in ${source.path} (mode 0600)` : describePassphrase({ source, generated: false })}`);
    io.out(`dry run: backend ${redactUrl(backend.url)} (${backend.source}); would run:`);
    for (const command of commands) io.out(`  ${showCommand(command)}`);
    return 0;
  }

  const release = acquireLock(join(stateDir, `up-${args.stack}.lock`));
  try {
    const passphrase = ensurePassphrase(args.stack, host.env, stateDir);
    io.out(`passphrase: ${describePassphrase(passphrase)}`);
    const backendDir = localBackendDir(backend.url, host.repoDir, host.homeDir);
    if (backendDir !== undefined) mkdirSync(backendDir, { recursive: true, mode: 0o700 });
    io.out(`backend: ${redactUrl(backend.url)} (${backend.source})`);
    const env = pulumiEnv(host.env, backend.url, passphrase.source);
    for (const command of commands) {
      io.out(`$ ${showCommand(command)}`);
      const code = await stream(PULUMI, command, env);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    release();
  }
}

function describePassphrase({ source, generated }: EnsuredPassphrase): string {
  switch (source.kind) {
    case "variable":
      return "from PULUMI_CONFIG_PASSPHRASE";
    case "file":
      return `from PULUMI_CONFIG_PASSPHRASE_FILE=${source.path}`;
    case "dev-file":
      return generated
        ? `generated a new one in ${source.path} (mode 0600) and passed it as PULUMI_CONFIG_PASSPHRASE_FILE; ` +
            "keep it: it decrypts the dev stack's secrets"
        : `from ${source.path} via PULUMI_CONFIG_PASSPHRASE_FILE`;
  }
}
