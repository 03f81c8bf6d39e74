import { type Check, fail, firstLine, ok, warn } from "./check.js";
import type { Host } from "./host.js";
import { readKubeconfig } from "./kubeconfig.js";

/** kubectl is optional (Pulumi talks to the API itself) but handy for operating the cluster: a warning when absent. */
export async function checkKubectl(host: Host): Promise<Check> {
  const result = await host.run("kubectl", ["version", "--client"]);
  if (result.code !== 0) {
    return warn("kubectl", "kubectl not found (Pulumi does not need it; the runbooks do)", "install kubectl: https://kubernetes.io/docs/tasks/tools/");
  }
  return ok("kubectl", firstLine(result.stdout));
}

/** The kubeconfig holds the context the stack deploys to (supabase:kubeContext, else current-context), with its cluster and user. */
export function checkKubeContext(host: Host, stack: string, kubeContext: string | undefined): Check {
  const kube = readKubeconfig(host);
  const where = host.env["KUBECONFIG"] ? "KUBECONFIG" : "~/.kube/config";
  const setContext = `pulumi config set supabase:kubeContext <context> --stack ${stack}`;
  if (kube.errors.length) return fail("kube-context", `kubeconfig does not parse`, `repair or replace the file named above`, kube.errors);
  if (!kube.files.length) {
    return fail(
      "kube-context",
      `no kubeconfig: ${where} is missing or unreadable`,
      "write one with your cluster's credentials command (e.g. aws eks update-kubeconfig, gcloud container clusters get-credentials, az aks get-credentials) or set KUBECONFIG",
    );
  }
  const available = [...kube.contexts.keys()];
  const listed = available.length ? available.join(", ") : "none";
  const wanted = kubeContext ?? kube.currentContext;
  const origin = kubeContext ? "supabase:kubeContext" : "current-context";
  if (!wanted) return fail("kube-context", `no current-context in ${where} and supabase:kubeContext is unset (contexts: ${listed})`, setContext);
  const context = kube.contexts.get(wanted);
  if (!context) {
    return fail("kube-context", `context '${wanted}' (${origin}) is not in ${where} (contexts: ${listed})`, kubeContext ? setContext : `kubectl config use-context <context>, or ${setContext}`);
  }
  const dangling = [
    ...(context.cluster && kube.clusters.has(context.cluster) ? [] : [`cluster ${JSON.stringify(context.cluster ?? null)}`]),
    ...(context.user && kube.users.has(context.user) ? [] : [`user ${JSON.stringify(context.user ?? null)}`]),
  ];
  if (dangling.length) {
    return fail("kube-context", `context '${wanted}' names a missing ${dangling.join(" and ")}`, "re-run your cluster's credentials command to rewrite the kubeconfig");
  }
  return ok("kube-context", `context '${wanted}' (${origin}) in ${where}`);
}
