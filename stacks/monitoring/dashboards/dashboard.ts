import { DATASOURCES } from "./datasources.js";
import type { Dashboard, Panel, Variable } from "./model.js";
import { layout } from "./panels.js";

/** Grafana 12.2's dashboard schema version; older versions migrate the JSON on load. */
export const SCHEMA_VERSION = 41;

/** The tag every generated dashboard carries; the link menu lists dashboards by it. */
export const DASHBOARD_TAG = "supabase";

/** What a dashboard file states; the rest is the same for every dashboard. */
export interface DashboardSpec {
  /** Stable readable uid, prefixed supabase-. */
  readonly uid: string;
  /** Title after "Supabase / ". */
  readonly title: string;
  /** What the dashboard is for. */
  readonly description: string;
  /** Extra tags besides supabase. */
  readonly tags: readonly string[];
  /** Variables; $env comes first. */
  readonly variables: readonly Variable[];
  /** Panels in reading order; ids and positions are assigned here. */
  readonly panels: readonly Panel[];
  /** Default time range start, now-6h unless set. */
  readonly from?: string;
}

/** Builds a dashboard: numbered, laid-out panels, firing alerts as annotations, links to its siblings. */
export function dashboard(spec: DashboardSpec): Dashboard {
  return {
    uid: spec.uid,
    title: `Supabase / ${spec.title}`,
    description: spec.description,
    tags: [DASHBOARD_TAG, ...spec.tags],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: false,
    graphTooltip: 1,
    refresh: "30s",
    timezone: "browser",
    time: { from: spec.from ?? "now-6h", to: "now" },
    templating: { list: spec.variables },
    annotations: {
      list: [
        {
          name: "Firing alerts",
          datasource: DATASOURCES.prometheus,
          expr: 'ALERTS{alertstate="firing", env=~"$env"}',
          enable: true,
          hide: false,
          iconColor: "red",
          titleFormat: "{{alertname}}",
          tagKeys: "service,severity",
          useValueForTime: false,
          step: "60s",
        },
      ],
    },
    links: [{ type: "dashboards", tags: [DASHBOARD_TAG], asDropdown: true, title: "Supabase", includeVars: true, keepTime: true }],
    panels: layout(spec.panels),
  };
}
