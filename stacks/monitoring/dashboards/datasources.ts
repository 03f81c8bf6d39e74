import type { DatasourceRef, DatasourceType } from "./model.js";

/** The pinned datasource uids; monitoring/grafana/provisioning/datasources/datasources.yml provisions exactly these. */
export const DATASOURCES: Readonly<Record<DatasourceType, DatasourceRef>> = {
  prometheus: { type: "prometheus", uid: "prometheus" },
  loki: { type: "loki", uid: "loki" },
  alertmanager: { type: "alertmanager", uid: "alertmanager" },
};
