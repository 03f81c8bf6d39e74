import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATASOURCES } from "../../stacks/monitoring/dashboards/datasources.js";
import type { Dashboard, Panel } from "../../stacks/monitoring/dashboards/model.js";
import { DASHBOARD_FILES } from "../../scripts/generate-dashboards.js";
const DIR = DASHBOARD_FILES.dir;
const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const committed = files.map((file) => ({ file, text: readFileSync(join(DIR, file), "utf8"), dashboard: JSON.parse(readFileSync(join(DIR, file), "utf8")) as Dashboard }));
const PINNED = new Map(Object.values(DATASOURCES).map((d) => [d.uid, d.type]));
const PANEL_TYPES = ["timeseries", "stat", "logs", "table"];

/** Every object value under a "datasource" key anywhere in a JSON tree. */
function datasourceRefs(node: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => datasourceRefs(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) (key === "datasource" ? found.push(value) : datasourceRefs(value, found));
  }
  return found;
}

const overlaps = (a: Panel, b: Panel): boolean =>
  a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;

describe("generated dashboards", () => {
  it("cover the required views with stable, readable, unique uids and titles", () => {
    expect(committed.length).toBeGreaterThanOrEqual(7);
    expect(committed.map((c) => c.dashboard.uid).sort()).toEqual([
      "supabase-auth-rest", "supabase-backups", "supabase-gateway", "supabase-loadtests", "supabase-logs",
      "supabase-overview", "supabase-postgres", "supabase-realtime", "supabase-redis",
    ]);
    expect(new Set(committed.map((c) => c.dashboard.title)).size).toBe(committed.length);
  });
});

describe.each(committed)("$file", ({ file, text, dashboard }) => {
  const panels = dashboard.panels;

  it("has a uid that names its file, a title and a schemaVersion", () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(file).toBe(`${dashboard.uid}.json`);
    expect(dashboard.title).toMatch(/^Supabase \/ \S/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard).not.toHaveProperty("id");
  });

  it("has typed panels with unique ids, each on the 24-column grid without overlapping another", () => {
    expect(panels.length).toBeGreaterThanOrEqual(6);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(PANEL_TYPES, p.title).toContain(p.type);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h * p.gridPos.w, p.title).toBeGreaterThan(0);
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets.map((t) => t.refId)).size, p.title).toBe(p.targets.length);
      expect(p.description, p.title).not.toBe("");
    }
    const clashes = panels.flatMap((a, i) => panels.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => `${a.title} / ${b.title}`));
    expect(clashes).toEqual([]);
  });

  it("references datasources only by a pinned uid, never by name or ${DS_…} placeholder", () => {
    const refs = datasourceRefs(dashboard);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toEqual({ type: expect.any(String), uid: expect.any(String) });
      const { type, uid } = ref as { type: string; uid: string };
      expect(PINNED.get(uid), uid).toBe(type);
    }
    expect(text).not.toMatch(/\$\{?DS_/);
    expect(dashboard).not.toHaveProperty("__inputs");
  });

  it("offers $env first, and every query filters by it (k6 series by $testid)", () => {
    expect(dashboard.templating.list[0]?.name).toBe("env");
    for (const p of panels) for (const t of p.targets) expect(t.expr, p.title).toMatch(/\$(env|testid)\b/);
  });

  it("queries Loki from logs panels and Prometheus from stat and table panels", () => {
    for (const p of panels) {
      if (p.type === "logs") expect(p.datasource.type).toBe("loki");
      if (p.type === "stat" || p.type === "table") expect(p.datasource.type).toBe("prometheus");
      for (const t of p.targets) expect(t.datasource, p.title).toEqual(p.datasource);
    }
  });
});
