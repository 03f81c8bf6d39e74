import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../stacks/stack-files.js";

/** Where a deployment mounts each committed monitoring file or directory, as the READMEs and config headers under monitoring/ document. */
export function documentedMounts(platform: "docker" | "kubernetes"): readonly (readonly [component: string, source: string, mountPath: string])[] {
  return [
    ["prometheus", "monitoring/prometheus/rules", "/etc/prometheus/rules"],
    ["alertmanager", "monitoring/alertmanager/alertmanager.yml", "/etc/alertmanager/alertmanager.yml"],
    ["alertmanager", "monitoring/alertmanager/templates", "/etc/alertmanager/templates"],
    ["grafana", "monitoring/grafana/provisioning/datasources", "/etc/grafana/provisioning/datasources"],
    ["grafana", "monitoring/grafana/provisioning/dashboards", "/etc/grafana/provisioning/dashboards"],
    ["grafana", "monitoring/grafana/dashboards", "/etc/grafana/dashboards"],
    ["loki", "monitoring/loki/loki.yml", "/etc/loki/loki.yml"],
    ["loki", "monitoring/loki/rules", "/etc/loki/rules/fake"],
    ["alloy", `monitoring/alloy/${platform}.alloy`, "/etc/alloy/config.alloy"],
    ["postgres-exporter", "monitoring/prometheus/exporters/postgres-queries.yml", "/etc/postgres-exporter/queries.yml"],
    ["blackbox-exporter", "monitoring/prometheus/exporters/blackbox.yml", "/etc/blackbox_exporter/config.yml"],
  ];
}

/** The files of a documented mount: the file itself, or every file of the directory, with their mount paths and text. */
export function mountedFiles(source: string, mountPath: string): { readonly mountPath: string; readonly text: string }[] {
  const path = join(REPO_ROOT, source);
  if (!statSync(path).isDirectory()) return [{ mountPath, text: readFileSync(path, "utf8") }];
  return readdirSync(path).map((name) => ({ mountPath: `${mountPath}/${name}`, text: readFileSync(join(path, name), "utf8") }));
}
