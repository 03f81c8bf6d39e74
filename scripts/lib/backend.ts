import { join, resolve } from "node:path";
import type { Host } from "./host.js";
import type { ProjectFile } from "./project-file.js";

/** Folder, under the repository, of the default local state backend and the generated dev passphrase. */
export const STATE_DIR = ".state";

/** The state backend a run will use and what chose it. */
export interface Backend {
  readonly url: string;
  readonly source: "PULUMI_BACKEND_URL" | "Pulumi.yaml backend.url" | "default";
}

/** PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url, else `file://<repo>/.state`. */
export function resolveBackend(host: Host, project: ProjectFile): Backend {
  const fromEnv = host.env["PULUMI_BACKEND_URL"];
  if (fromEnv) return { url: fromEnv, source: "PULUMI_BACKEND_URL" };
  if (project.backendUrl) return { url: project.backendUrl, source: "Pulumi.yaml backend.url" };
  return { url: `file://${join(host.repoDir, STATE_DIR)}`, source: "default" };
}

/** The directory of a `file://` backend (`~` and relative paths resolved as Pulumi does from the repo); else undefined. */
export function localBackendDir(url: string, repoDir: string, homeDir: string): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  const path = url.slice("file://".length).split("?")[0]!;
  if (path === "~" || path.startsWith("~/")) return join(homeDir, path.slice(1));
  return resolve(repoDir, path);
}

/** Whether a URL is the Pulumi Cloud service or a self-hosted Pulumi service, which need a login. */
export const isServiceBackend = (url: string): boolean => /^https?:\/\//.test(url);

/** The URL with any password and credential-like query values masked, safe to print. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//***@");
  }
  let masked = false;
  if (parsed.password) {
    parsed.password = "***";
    masked = true;
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (/key|secret|token|pass|credential|sig/i.test(key)) {
      parsed.searchParams.set(key, "***");
      masked = true;
    }
  }
  return masked ? parsed.toString() : url;
}
