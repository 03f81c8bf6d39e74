import type { Check, CheckStatus } from "./check.js";

/** Where a CLI writes, and whether it may use colour. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
}

/** Writes to the process's stdout and stderr, coloured only on a terminal without NO_COLOR. */
export function processOutput(): Output {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env["NO_COLOR"],
  };
}

const ICON: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✖" };
const COLOR: Record<CheckStatus, number> = { ok: 32, warn: 33, fail: 31 };

/** One line per check, with its problems and fix indented under it. */
export function renderChecks(checks: readonly Check[], color: boolean): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const paint = (status: CheckStatus, text: string): string => (color ? `\x1b[${COLOR[status]}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${paint(check.status, ICON[check.status])} ${check.id.padEnd(width)}  ${check.detail}`);
    for (const problem of check.problems ?? []) lines.push(`${" ".repeat(width + 4)}- ${problem}`);
    if (check.fix && check.status !== "ok") lines.push(`${" ".repeat(width + 4)}fix: ${check.fix}`);
  }
  return lines.join("\n");
}

/** The closing line: counts per status and whether the stack is ready. */
export function summarize(checks: readonly Check[], stack: string): string {
  const count = (status: CheckStatus): number => checks.filter((c) => c.status === status).length;
  const failed = count("fail");
  const warnings = count("warn");
  const tally = `${count("ok")} ok, ${warnings} warning${warnings === 1 ? "" : "s"}, ${failed} failed`;
  return failed ? `stack ${stack}: ${tally}; fix the ✖ items above` : `stack ${stack}: ${tally}; ready`;
}

/** What up prints after its checks: the warnings and failures, then the summary line. */
export function preflightSummary(checks: readonly Check[], stack: string, color: boolean): string {
  const notable = checks.filter((c) => c.status !== "ok");
  const head = notable.length ? `${renderChecks(notable, color)}\n` : "";
  return `${head}preflight ${summarize(checks, stack)}`;
}
