import type { ComponentName } from "../config.js";
import type { ServiceSpec } from "../model.js";

/** The specs ordered so each comes after the services it depends on; throws on unknown dependencies and cycles. */
export function dependencyOrder(specs: readonly ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const done = new Set<ComponentName>();
  const visiting: ComponentName[] = [];
  const out: ServiceSpec[] = [];
  const visit = (spec: ServiceSpec): void => {
    if (done.has(spec.name)) return;
    if (visiting.includes(spec.name)) throw new Error(`dependency cycle: ${[...visiting.slice(visiting.indexOf(spec.name)), spec.name].join(" → ")}`);
    visiting.push(spec.name);
    for (const dep of spec.dependsOn) {
      const target = byName.get(dep);
      if (!target) throw new Error(`${spec.name} depends on '${dep}', which is not deployed`);
      visit(target);
    }
    visiting.pop();
    done.add(spec.name);
    out.push(spec);
  };
  specs.forEach(visit);
  return out;
}
