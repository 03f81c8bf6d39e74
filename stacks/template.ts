import type { EnvValue, SecretRef, Template } from "./model.js";
import { SECRET_NAMES, type SecretName } from "./secret-names.js";

const PLACEHOLDER = /\{\{\s*secret:([A-Za-z]+)\s*\}\}/g;

/** A reference to a generated secret. */
export function ref(secret: SecretName): SecretRef {
  return { secret };
}

/** Tagged template: literal text with interpolated secret references or strings. */
export function tpl(strings: TemplateStringsArray, ...parts: (string | number | SecretRef)[]): Template {
  const out: (string | SecretRef)[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    if (i < parts.length) {
      const p = parts[i]!;
      out.push(typeof p === "object" ? p : String(p));
    }
  });
  return normalize(out);
}

/** Whether an env value or file content carries a secret. */
export function holdsSecret(value: EnvValue): boolean {
  return typeof value !== "string" && value.some((p) => typeof p !== "string");
}

/** The secrets a template references, in order of first use. */
export function secretsOf(value: EnvValue): SecretName[] {
  if (typeof value === "string") return [];
  return [...new Set(value.flatMap((p) => (typeof p === "string" ? [] : [p.secret])))];
}

/** Substitutes values for the references (each part mapped by `resolve`). */
export function render(value: EnvValue, resolve: (secret: SecretName) => string): string {
  if (typeof value === "string") return value;
  return value.map((p) => (typeof p === "string" ? p : resolve(p.secret))).join("");
}

/** Parses `{{secret:name}}` placeholders in a source file into a template; unknown names are an error. */
export function parsePlaceholders(text: string, source: string): Template {
  const out: (string | SecretRef)[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!(SECRET_NAMES as readonly string[]).includes(name)) {
      throw new Error(`${source}: unknown secret placeholder '{{secret:${name}}}'; known secrets: ${SECRET_NAMES.join(", ")}`);
    }
    out.push(text.slice(last, m.index), { secret: name as SecretName });
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return normalize(out);
}

function normalize(parts: (string | SecretRef)[]): Template {
  const out: (string | SecretRef)[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === "string") {
      if (p === "") continue;
      if (typeof prev === "string") out[out.length - 1] = prev + p;
      else out.push(p);
    } else out.push(p);
  }
  return out;
}
