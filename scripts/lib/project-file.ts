import { join } from "node:path";
import { parse } from "yaml";
import type { Host } from "./host.js";

/** Folder of the stack files, as Pulumi.yaml's stackConfigDir sets it. */
export const STACK_CONFIG_DIR = "stacks";

/** What the scripts need from Pulumi.yaml. */
export interface ProjectFile {
  /** "missing" when there is no Pulumi.yaml; the parse error when it is not YAML. */
  readonly state: "ok" | "missing" | { readonly parseError: string };
  readonly name?: unknown;
  readonly main?: unknown;
  readonly stackConfigDir?: unknown;
  /** `backend.url`, which pins the state backend when PULUMI_BACKEND_URL is unset. */
  readonly backendUrl?: string;
}

/** Reads Pulumi.yaml from the repository root. */
export function readProjectFile(host: Host): ProjectFile {
  const text = host.readFile(join(host.repoDir, "Pulumi.yaml"));
  if (text === undefined) return { state: "missing" };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return { state: { parseError: error instanceof Error ? error.message.split("\n")[0]! : String(error) } };
  }
  const project = (doc !== null && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
  const backend = project["backend"] as { url?: unknown } | undefined;
  const backendUrl = typeof backend?.url === "string" && backend.url ? backend.url : undefined;
  return {
    state: "ok",
    name: project["name"],
    main: project["main"],
    stackConfigDir: project["stackConfigDir"],
    ...(backendUrl ? { backendUrl } : {}),
  };
}
