import { spawnSync } from "node:child_process";

/** The command that installs everything the suite needs on a fresh machine. */
export const SETUP_COMMAND = "bash tests/run-all.sh";

/** Returns the path of a binary, or throws naming the package and the setup command. */
export function requireBinary(name: string, debianPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(`'${name}' is not installed: run ${SETUP_COMMAND} (it installs the Debian package ${debianPackage}), or apt-get install ${debianPackage}`);
  }
  return path;
}
