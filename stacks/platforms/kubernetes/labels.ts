import type { ContainerSpec } from "../../model.js";

/** Who a set of labels belongs to. */
export interface LabelContext {
  /** The platform component's name, used as app.kubernetes.io/instance. */
  readonly instance: string;
  /** The stack name (dev, staging, prod). */
  readonly env: string;
}

/** The application an image runs: the last path segment of its repository (supabase/gotrue:v2 → gotrue). */
export function applicationOf(image: string): string {
  const repository = image.split("@")[0]!.replace(/:[^/]*$/, "");
  return repository.split("/").pop()!.slice(0, 63);
}

/** Labels every object of the stack carries. */
export function stackLabels(ctx: LabelContext): Record<string, string> {
  return {
    "app.kubernetes.io/instance": ctx.instance,
    "app.kubernetes.io/part-of": "supabase",
    "app.kubernetes.io/managed-by": "pulumi",
    env: ctx.env,
  };
}

/** The immutable selector of a service's pods: stable across image changes. */
export function selectorLabels(spec: ContainerSpec, ctx: LabelContext): Record<string, string> {
  return { "app.kubernetes.io/instance": ctx.instance, "app.kubernetes.io/component": spec.name };
}

/** Labels of every object that belongs to one service. */
export function serviceLabels(spec: ContainerSpec, ctx: LabelContext): Record<string, string> {
  return { ...stackLabels(ctx), "app.kubernetes.io/name": applicationOf(spec.image), ...selectorLabels(spec, ctx) };
}

/** Labels of a service's pods: its log labels, overridden by the standard ones. */
export function podLabels(spec: ContainerSpec, ctx: LabelContext): Record<string, string> {
  return { ...spec.logLabels, ...serviceLabels(spec, ctx) };
}
