import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/stack-files.js";

/** A block of an Alloy file: a component (`loki.write "name" { … }`) or a nested block (`rule { … }`). */
interface Block {
  /** Dotted name, e.g. discovery.relabel or stage.label_keep. */
  readonly name: string;
  /** The quoted label of a component; nested blocks have none. */
  readonly label?: string;
  /** Attributes by name, each as its raw expression text. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Nested blocks in order. */
  readonly blocks: readonly Block[];
}

/**
 * Components this configuration may use: Alloy's log collection components (reference/components, Alloy 1.x,
 * all generally available), and the loki.process stages and relabel block they nest.
 */
const REFERENCE_COMPONENTS = new Set([
  "discovery.docker", "discovery.kubernetes", "discovery.relabel", "local.file_match",
  "loki.source.docker", "loki.source.kubernetes", "loki.source.file", "loki.source.api",
  "loki.process", "loki.relabel", "loki.write",
]);
const NESTED_BLOCKS: Readonly<Record<string, readonly string[]>> = {
  "discovery.docker": [],
  "discovery.kubernetes": ["namespaces", "selectors"],
  "discovery.relabel": ["rule"],
  "loki.source.docker": [],
  "loki.source.kubernetes": [],
  "loki.process": ["stage.label_keep", "stage.cri", "stage.docker", "stage.json", "stage.logfmt", "stage.drop", "stage.structured_metadata"],
  "loki.write": ["endpoint"],
};
const ALLOWED_LABELS = ["service", "env", "host"];

/** A token of Alloy source and where it ends. */
interface Token {
  readonly text: string;
  readonly end: number;
}

/** Splits Alloy source into tokens: strings, identifiers, numbers, punctuation and newlines; comments dropped. */
function tokenize(source: string): Token[] {
  const pattern = /\/\/[^\n]*|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w]*|\d+(?:\.\d+)?|\n|[{}()[\],.=]|[^\s]/g;
  return [...source.matchAll(pattern)].filter((m) => !m[0].startsWith("//")).map((m) => ({ text: m[0], end: m.index + m[0].length }));
}

/** Parses the block/attribute structure of an Alloy file; expressions are kept as source text. */
function parseAlloy(source: string): Block[] {
  const tokenList = tokenize(source);
  const tokens = tokenList.map((t) => t.text);
  let i = 0;
  const skipNewlines = () => {
    while (tokens[i] === "\n") i++;
  };
  const expect = (token: string) => {
    if (tokens[i] !== token) throw new Error(`expected ${token} at token ${i}, got ${tokens[i]}`);
    i++;
  };
  const expression = (): string => {
    const start = tokenList[i - 1]!.end;
    let depth = 0;
    while (i < tokens.length && !(depth === 0 && (tokens[i] === "\n" || tokens[i] === "}"))) {
      const t = tokens[i++]!;
      if ("([{".includes(t)) depth++;
      if (")]}".includes(t)) depth--;
    }
    return source.slice(start, tokenList[i - 1]!.end).replace(/\s+/g, " ").trim();
  };
  const body = (): Block[] & { attributes?: Map<string, string> } => {
    const blocks: Block[] = [];
    const attributes = new Map<string, string>();
    for (skipNewlines(); i < tokens.length && tokens[i] !== "}"; skipNewlines()) {
      let name = tokens[i++]!;
      if (tokens[i] === "=") {
        i++;
        if (attributes.has(name)) throw new Error(`attribute ${name} set twice`);
        attributes.set(name, expression());
        continue;
      }
      while (tokens[i] === ".") name += `.${tokens[(i += 2) - 1]}`;
      const label = tokens[i]?.startsWith('"') ? JSON.parse(tokens[i++]!) as string : undefined;
      expect("{");
      const inner = body();
      expect("}");
      blocks.push({ name, ...(label === undefined ? {} : { label }), attributes: inner.attributes!, blocks: [...inner] });
    }
    return Object.assign(blocks, { attributes });
  };
  const top = body();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} at token ${i}`);
  return [...top];
}

const strings = (expression: string): string[] => [...expression.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);

describe.each(["docker.alloy", "kubernetes.alloy"])("monitoring/alloy/%s", (file) => {
  const source = readFileSync(join(REPO_ROOT, "monitoring", "alloy", file), "utf8");
  const components = parseAlloy(source);
  const all = (name: string) => components.filter((c) => c.name === name);
  const relabelRules = all("discovery.relabel").flatMap((c) => c.blocks.filter((b) => b.name === "rule"));

  it("uses only components and nested blocks from the reference list, each label once", () => {
    expect(components.length).toBeGreaterThanOrEqual(5);
    for (const c of components) {
      expect(REFERENCE_COMPONENTS, c.name).toContain(c.name);
      expect(c.label, c.name).toMatch(/^[a-z_]+$/);
      for (const nested of c.blocks) expect(NESTED_BLOCKS[c.name] ?? [], `${c.name} > ${nested.name}`).toContain(nested.name);
    }
    const ids = components.map((c) => `${c.name}.${c.label}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("wires every component reference to a component defined in the file", () => {
    const defined = new Set(components.map((c) => `${c.name}.${c.label}`));
    const references = [...source.matchAll(/\b((?:discovery|loki|local)\.[a-z_.]+)\.(targets|output|rules|receiver)\b/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const ref of references) expect(defined, ref).toContain(ref);
  });

  it("sets no stream label other than service, env and host", () => {
    const targets = relabelRules.flatMap((r) => strings(r.attributes.get("target_label") ?? ""));
    expect([...targets].sort()).toEqual([...ALLOWED_LABELS].sort());
    for (const c of components) {
      for (const key of ["labels", "static_labels"]) expect(c.attributes.has(key), `${c.name} ${key}`).toBe(false);
    }
    for (const rule of relabelRules) expect(["replace", "drop", undefined]).toContain(strings(rule.attributes.get("action") ?? "")[0]);
  });

  it("drops every label but service, env and host before writing", () => {
    const keep = all("loki.process").flatMap((c) => c.blocks.filter((b) => b.name === "stage.label_keep"));
    expect(keep).toHaveLength(1);
    expect(strings(keep[0]!.attributes.get("values")!).sort()).toEqual([...ALLOWED_LABELS].sort());
    expect(all("loki.process")[0]!.attributes.get("forward_to")).toBe("[loki.write.loki.receiver]");
  });

  it("collects only workloads the program labelled with service and env", () => {
    const drop = relabelRules.find((r) => r.attributes.get("action") === '"drop"');
    expect(drop?.attributes.get("regex")).toBe('""');
    expect(strings(drop!.attributes.get("source_labels")!)[0]).toMatch(/_label_service$/);
    for (const label of ["service", "env"]) {
      const rule = relabelRules.find((r) => r.attributes.get("target_label") === `"${label}"`);
      expect(strings(rule!.attributes.get("source_labels")!)[0], label).toMatch(new RegExp(`_label_${label}$`));
    }
  });

  it("pushes to the Loki URL from the environment", () => {
    const writers = all("loki.write");
    expect(writers).toHaveLength(1);
    expect(writers[0]!.blocks[0]!.attributes.get("url")).toBe('sys.env("LOKI_PUSH_URL")');
  });
});

describe("the Alloy parser", () => {
  it("rejects unbalanced blocks, so the checks above can fail", () => {
    expect(() => parseAlloy('loki.write "x" {\n endpoint {\n url = "a"\n}\n')).toThrow();
  });
});
