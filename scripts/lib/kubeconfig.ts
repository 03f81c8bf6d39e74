import { delimiter, join } from "node:path";
import { parse } from "yaml";
import type { Host } from "./host.js";

/** The names a merged kubeconfig offers; credentials are never read. */
export interface Kubeconfig {
  /** Files that were read, in merge order. */
  readonly files: readonly string[];
  /** Files that exist but do not parse, with the reason. */
  readonly errors: readonly string[];
  readonly currentContext?: string;
  /** Context name to the cluster and user it names. */
  readonly contexts: ReadonlyMap<string, { readonly cluster?: string; readonly user?: string }>;
  readonly clusters: ReadonlySet<string>;
  readonly users: ReadonlySet<string>;
}

/** Reads KUBECONFIG (a path list) or ~/.kube/config and merges them as kubectl does: the first file to set a name wins. */
export function readKubeconfig(host: Host): Kubeconfig {
  const fromEnv = host.env["KUBECONFIG"];
  const paths = fromEnv ? fromEnv.split(delimiter).filter(Boolean) : [join(host.homeDir, ".kube", "config")];
  const files: string[] = [];
  const errors: string[] = [];
  let currentContext: string | undefined;
  const contexts = new Map<string, { cluster?: string; user?: string }>();
  const clusters = new Set<string>();
  const users = new Set<string>();
  for (const path of paths) {
    const text = host.readFile(path);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (error) {
      errors.push(`${path}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      continue;
    }
    files.push(path);
    const config = (doc !== null && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
    if (!currentContext && typeof config["current-context"] === "string" && config["current-context"]) currentContext = config["current-context"];
    for (const entry of named(config["contexts"])) {
      const ref = (entry["context"] ?? {}) as { cluster?: unknown; user?: unknown };
      if (!contexts.has(entry.name)) {
        contexts.set(entry.name, {
          ...(typeof ref.cluster === "string" ? { cluster: ref.cluster } : {}),
          ...(typeof ref.user === "string" ? { user: ref.user } : {}),
        });
      }
    }
    for (const entry of named(config["clusters"])) clusters.add(entry.name);
    for (const entry of named(config["users"])) users.add(entry.name);
  }
  return { files, errors, ...(currentContext ? { currentContext } : {}), contexts, clusters, users };
}

function named(list: unknown): (Record<string, unknown> & { name: string })[] {
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is Record<string, unknown> & { name: string } => e !== null && typeof e === "object" && typeof (e as { name?: unknown }).name === "string",
  );
}
