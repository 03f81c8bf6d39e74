import { COMPONENT_NAMES, type ComponentName } from "../../stacks/config.js";
import { IMAGES } from "../../stacks/versions.js";
import type { Recorded } from "./harness.js";

/** A container as either platform renders it (a service's own, not its sidecars), reduced to what the stack tests compare. */
export interface RenderedContainer {
  /** Component the container runs, or the task for a run-to-completion container. */
  readonly service: ComponentName | string;
  /** Whether it serves or runs to completion. */
  readonly kind: "service" | "task";
  /** Image reference. */
  readonly image: string;
  /** Resolved environment (secret references followed). */
  readonly env: Readonly<Record<string, string>>;
  /** Contents of the files mounted into it, by mount path. */
  readonly files: Readonly<Record<string, string>>;
  /** The resource that declares it. */
  readonly resource: Recorded;
  /** The raw container (Kubernetes container spec or Docker Container inputs). */
  readonly spec: any;
}

const imageRepo = (image: string): string => image.replace(/[:@].*$/, "");

function serviceOfImage(image: string): ComponentName | undefined {
  const entries = Object.entries(IMAGES) as [ComponentName, string][];
  return entries.find(([, pinned]) => image === pinned || image.startsWith(`${pinned}@`) || imageRepo(image) === imageRepo(pinned))?.[0];
}

function kubernetesContainers(resources: readonly Recorded[]): RenderedContainer[] {
  const byKindAndName = (kind: string, name: string): Recorded | undefined =>
    resources.find((r) => r.inputs?.kind === kind && r.inputs?.metadata?.name === name);
  const data = (obj: Recorded | undefined): Record<string, string> => {
    if (!obj) return {};
    const decoded = Object.fromEntries(Object.entries((obj.inputs.data ?? {}) as Record<string, string>).map(([k, v]) => [k, obj.inputs.kind === "Secret" ? Buffer.from(v, "base64").toString() : v]));
    return { ...decoded, ...(obj.inputs.stringData ?? {}) };
  };
  return resources
    .filter((r) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(r.inputs?.kind))
    .flatMap((r) => {
      const pod = r.inputs.spec.template.spec;
      const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
      const kind = r.inputs.kind === "Job" ? "task" : "service";
      return (pod.containers as any[]).flatMap((c) => {
        const service = kind === "task" || (COMPONENT_NAMES as readonly string[]).includes(c.name) ? String(c.name) : undefined;
        if (!service) return [];
        const env: Record<string, string> = {};
        for (const e of c.env ?? []) {
          if (e.value !== undefined) env[e.name] = e.value;
          const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
          if (ref) env[e.name] = data(byKindAndName(e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap", ref.name))[ref.key] ?? "";
        }
        const files: Record<string, string> = {};
        for (const m of c.volumeMounts ?? []) {
          const v = volumes.get(m.name);
          const source = v?.secret ? byKindAndName("Secret", v.secret.secretName) : v?.configMap ? byKindAndName("ConfigMap", v.configMap.name) : undefined;
          if (!source) continue;
          const content = data(source);
          if (m.subPath) files[m.mountPath] = content[m.subPath] ?? "";
          else for (const [k, text] of Object.entries(content)) files[`${m.mountPath}/${k}`] = text;
        }
        return [{ service, kind, image: c.image, env, files, resource: r, spec: c }];
      });
    });
}

function dockerContainers(resources: readonly Recorded[]): RenderedContainer[] {
  const images = resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage");
  const built = resources.filter((r) => r.type === "docker:index/image:Image");
  return resources
    .filter((r) => r.type === "docker:index/container:Container")
    .flatMap((r) => {
      const source = images.find((i) => [i.inputs.repoDigest, i.inputs.imageId, i.inputs.name].includes(r.inputs.image));
      const build = built.find((i) => i.inputs.repoDigest === r.inputs.image);
      const image = source ? String(source.inputs.name) : build ? String(build.inputs.imageName) : String(r.inputs.image);
      const kind = r.inputs.attach ? "task" : "service";
      const service = kind === "task" ? String(r.name).replace(/^supabase-/, "") : (serviceOfImage(image) ?? (build && COMPONENT_NAMES.find((n) => String(r.inputs.name).endsWith(`-${n}`))));
      if (!service) return [];
      const env = Object.fromEntries(((r.inputs.envs ?? []) as string[]).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
      const files = Object.fromEntries(((r.inputs.uploads ?? []) as any[]).map((u) => [u.file, u.content ?? Buffer.from(u.contentBase64 ?? "", "base64").toString()]));
      return [{ service, kind, image, env, files, resource: r, spec: r.inputs }];
    });
}

/** Every container the program rendered, services and tasks, on either platform. */
export function renderedContainers(resources: readonly Recorded[]): RenderedContainer[] {
  return [...kubernetesContainers(resources), ...dockerContainers(resources)];
}
