/** How a preflight check came out: ok, a warning that does not block, or a failure that does. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One preflight finding, as doctor prints it and up acts on it. */
export interface Check {
  /** Stable identifier, e.g. "pulumi-cli". */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line saying what was found; never a secret value. */
  readonly detail: string;
  /** The exact step that resolves a failure or warning. */
  readonly fix?: string;
  /** The individual problems behind the detail, e.g. every invalid config key. */
  readonly problems?: readonly string[];
}

/** A passing check. */
export const ok = (id: string, detail: string): Check => ({ id, status: "ok", detail });

/** A non-blocking finding with its remedy. */
export const warn = (id: string, detail: string, fix: string): Check => ({ id, status: "warn", detail, fix });

/** A blocking finding with its remedy, and optionally the problems behind it. */
export const fail = (id: string, detail: string, fix: string, problems?: readonly string[]): Check =>
  problems?.length ? { id, status: "fail", detail, fix, problems } : { id, status: "fail", detail, fix };

/** True when no check failed. */
export const passed = (checks: readonly Check[]): boolean => checks.every((c) => c.status !== "fail");

/** The first line of a command's error output, trimmed for a one-line detail. */
export function firstLine(text: string): string {
  const line = text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
