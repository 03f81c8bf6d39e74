import { type Check, fail } from "./check.js";
import type { StackName } from "./cli-args.js";
import { checkStackConfig } from "./config-check.js";
import { checkDocker } from "./docker-checks.js";
import type { Host } from "./host.js";
import { checkKubeContext, checkKubectl } from "./kube-checks.js";
import { readProjectFile } from "./project-file.js";
import { readStackFile, stackPlatform, stringSetting, type StackFile } from "./stack-file.js";
import { checkBackend, checkPassphrase } from "./state-checks.js";
import { checkDependencies, checkNode, checkProject, checkPulumi } from "./toolchain-checks.js";

/** Runs every check for a stack, concurrently where they wait on commands; a check that throws becomes a failure. */
export async function runPreflight(stack: StackName, host: Host): Promise<Check[]> {
  const project = readProjectFile(host);
  const stackFile = readStackFile(stack, host);
  const platform = stackPlatform(stack, stackFile);
  const guard = async (id: string, check: () => Check | Check[] | Promise<Check | Check[]>): Promise<Check[]> => {
    try {
      return [await check()].flat();
    } catch (error) {
      return [fail(id, `check crashed: ${error instanceof Error ? error.message : String(error)}`, "report this with the output of npm run doctor")];
    }
  };
  const docker = guard("docker", () => checkDocker(host, stringSetting(stackFile, "dockerHost")));
  const platformChecks =
    platform === "docker"
      ? [docker]
      : [
          guard("kubectl", () => checkKubectl(host)),
          guard("kube-context", () => checkKubeContext(host, stack, stringSetting(stackFile, "kubeContext"))),
          ...(buildsImages(stackFile) ? [docker] : []),
        ];
  const results = await Promise.all([
    guard("node", () => checkNode(host)),
    guard("dependencies", () => checkDependencies(host)),
    guard("pulumi-cli", () => checkPulumi(host)),
    guard("project", () => checkProject(host, project)),
    guard("backend", () => checkBackend(host, project)),
    guard("passphrase", () => checkPassphrase(stack, host, stackFile)),
    guard("stack-config", () => checkStackConfig(stack, stackFile)),
    ...platformChecks,
  ]);
  return results.flat();
}

/** Whether a Kubernetes stack builds and pushes images (backups, unless turned off), which needs a Docker engine here. */
function buildsImages(file: StackFile): boolean {
  const backup = file.raw["backup"];
  return !(backup !== null && typeof backup === "object" && (backup as Record<string, unknown>)["enabled"] === false);
}
