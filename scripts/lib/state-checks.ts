import { join } from "node:path";
import type { StackName } from "./cli-args.js";
import { STATE_DIR, isServiceBackend, localBackendDir, redactUrl, resolveBackend } from "./backend.js";
import { type Check, fail, ok, warn } from "./check.js";
import type { Host } from "./host.js";
import { DEV_PASSPHRASE_FILE, PASSPHRASE_VARS, findPassphrase } from "./passphrase.js";
import type { ProjectFile } from "./project-file.js";
import type { StackFile } from "./stack-file.js";

/** The state backend: which URL, chosen by what, and for a Pulumi service whether we are logged in. */
export function checkBackend(host: Host, project: ProjectFile): Check {
  const backend = resolveBackend(host, project);
  const shown = `${redactUrl(backend.url)} (${backend.source})`;
  const dir = localBackendDir(backend.url, host.repoDir, host.homeDir);
  if (dir !== undefined) {
    const exists = host.fileMode(dir) !== undefined;
    return ok("backend", `local state in ${shown}${exists ? "" : "; npm run up creates the folder"}`);
  }
  if (isServiceBackend(backend.url)) {
    if (host.env["PULUMI_ACCESS_TOKEN"] || hasStoredLogin(host, backend.url)) return ok("backend", `Pulumi service ${shown}, logged in`);
    return warn("backend", `Pulumi service ${shown}, not logged in`, `pulumi login ${redactUrl(backend.url)} (or set PULUMI_ACCESS_TOKEN)`);
  }
  return ok("backend", `state in ${shown}; credentials come from that store's usual environment`);
}

/** The secrets passphrase is available without ever reading it into output. */
export function checkPassphrase(stack: StackName, host: Host, stackFile: StackFile): Check {
  const stateDir = join(host.repoDir, STATE_DIR);
  const source = findPassphrase(stack, host.env, stateDir, (p) => host.fileMode(p) !== undefined);
  const devFile = `${STATE_DIR}/${DEV_PASSPHRASE_FILE}`;
  switch (source.kind) {
    case "variable":
      return ok("passphrase", `from ${PASSPHRASE_VARS[0]} (value not shown)`);
    case "file": {
      const fix = `point ${PASSPHRASE_VARS[1]} at the file holding the ${stack} passphrase`;
      const content = host.readFile(source.path);
      if (content === undefined) return fail("passphrase", `${PASSPHRASE_VARS[1]}=${source.path} cannot be read`, fix);
      if (!content.trim()) return fail("passphrase", `${PASSPHRASE_VARS[1]}=${source.path} is empty`, fix);
      return ok("passphrase", `from ${PASSPHRASE_VARS[1]}=${source.path}`);
    }
    case "dev-file": {
      if (!source.exists) {
        if (stackFile.hasEncryptionSalt) {
          return fail(
            "passphrase",
            `${stackFile.path} has an encryptionsalt from an earlier passphrase, and none is set; a generated one would not match`,
            `export ${PASSPHRASE_VARS[0]} with the passphrase the dev stack was created with, or for a fresh local dev stack delete the encryptionsalt line (and any secure: values) from ${stackFile.path}`,
          );
        }
        return ok("passphrase", `none set; npm run up generates ${devFile} (mode 0600)`);
      }
      if (!host.readFile(source.path)?.trim()) {
        return fail("passphrase", `${devFile} is empty or unreadable`, `restore ${devFile} from your backup, or export ${PASSPHRASE_VARS[0]}`);
      }
      if ((host.fileMode(source.path) ?? 0) & 0o077) return warn("passphrase", `${devFile} is readable by other users`, `chmod 600 ${devFile}`);
      return ok("passphrase", `from ${devFile}`);
    }
    case "missing":
      return fail(
        "passphrase",
        `no passphrase: neither ${PASSPHRASE_VARS[0]} nor ${PASSPHRASE_VARS[1]} is set`,
        `export ${PASSPHRASE_VARS[1]}=/path/to/${stack}.passphrase (or ${PASSPHRASE_VARS[0]}) holding the passphrase the ${stack} stack was created with`,
      );
  }
}

function hasStoredLogin(host: Host, url: string): boolean {
  const pulumiHome = host.env["PULUMI_HOME"] || join(host.homeDir, ".pulumi");
  const text = host.readFile(join(pulumiHome, "credentials.json"));
  if (text === undefined) return false;
  try {
    const tokens = (JSON.parse(text) as { accessTokens?: Record<string, unknown> }).accessTokens ?? {};
    return Object.keys(tokens).some((u) => u.replace(/\/+$/, "") === url.replace(/\/+$/, ""));
  } catch {
    return false;
  }
}
