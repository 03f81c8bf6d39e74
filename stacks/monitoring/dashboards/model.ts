/** The datasource types panels may query; each is provisioned with a pinned uid. */
export type DatasourceType = "prometheus" | "loki" | "alertmanager";

/** A reference to a provisioned datasource by its pinned uid. */
export interface DatasourceRef {
  /** Plugin type. */
  readonly type: DatasourceType;
  /** The uid the provisioning file pins. */
  readonly uid: string;
}

/** A PromQL query of a panel. */
export interface PrometheusTarget {
  /** Query id within the panel (A, B, …). */
  readonly refId: string;
  /** The Prometheus datasource. */
  readonly datasource: DatasourceRef;
  /** PromQL, with Grafana variables such as $env and $__rate_interval. */
  readonly expr: string;
  /** Series name template, e.g. {{service}}. */
  readonly legendFormat: string;
  /** Query a range (graphs) or one instant (tables, stats). */
  readonly range: boolean;
  /** The opposite of range. */
  readonly instant: boolean;
  /** Table panels ask for one row per series. */
  readonly format: "time_series" | "table";
}

/** A LogQL query of a panel. */
export interface LokiTarget {
  /** Query id within the panel. */
  readonly refId: string;
  /** The Loki datasource. */
  readonly datasource: DatasourceRef;
  /** LogQL, with Grafana variables. */
  readonly expr: string;
  /** Series name template for metric queries. */
  readonly legendFormat: string;
  /** Loki queries over the dashboard's time range. */
  readonly queryType: "range";
}

/** Any query a panel runs. */
export type Target = PrometheusTarget | LokiTarget;

/** A panel's place on the 24-column grid. */
export interface GridPos {
  /** Height in grid rows (30 px each). */
  readonly h: number;
  /** Width in columns, 1–24. */
  readonly w: number;
  /** Column of the left edge. */
  readonly x: number;
  /** Row of the top edge. */
  readonly y: number;
}

/** A threshold step: the colour from this value upwards (null = from minus infinity). */
export interface ThresholdStep {
  /** Colour name, e.g. green, orange, red. */
  readonly color: string;
  /** Lower bound of the step. */
  readonly value: number | null;
}

/** A value-to-text mapping, e.g. 1 → UP. */
export interface ValueMapping {
  /** Grafana's mapping kind for exact values. */
  readonly type: "value";
  /** Text and colour by raw value. */
  readonly options: Readonly<Record<string, { readonly text: string; readonly color: string; readonly index: number }>>;
}

/** Display settings shared by every field of a panel. */
export interface FieldConfig {
  /** Defaults applied to every field. */
  readonly defaults: {
    /** Grafana unit id, e.g. reqps, percentunit, s, bytes. */
    readonly unit: string;
    /** Lower bound of the axis or gauge. */
    readonly min?: number;
    /** Upper bound of the axis or gauge. */
    readonly max?: number;
    /** Colour steps. */
    readonly thresholds: { readonly mode: "absolute"; readonly steps: readonly ThresholdStep[] };
    /** Value mappings. */
    readonly mappings: readonly ValueMapping[];
    /** Colour scheme. */
    readonly color: { readonly mode: "palette-classic" | "thresholds" };
  };
  /** Per-field overrides; none are used. */
  readonly overrides: readonly never[];
}

/** What every panel type has. */
interface PanelBase {
  /** Unique within the dashboard. */
  readonly id: number;
  /** Heading. */
  readonly title: string;
  /** Hover text: what the panel shows and what to look for. */
  readonly description: string;
  /** Default datasource of the panel's targets. */
  readonly datasource: DatasourceRef;
  /** Place on the grid. */
  readonly gridPos: GridPos;
  /** Queries. */
  readonly targets: readonly Target[];
}

/** A graph over time. */
export interface TimeseriesPanel extends PanelBase {
  readonly type: "timeseries";
  /** Units and thresholds. */
  readonly fieldConfig: FieldConfig;
  /** Legend and tooltip. */
  readonly options: {
    readonly legend: { readonly displayMode: "list" | "table"; readonly placement: "bottom"; readonly showLegend: true; readonly calcs: readonly string[] };
    readonly tooltip: { readonly mode: "multi"; readonly sort: "desc" };
  };
}

/** A single number per series. */
export interface StatPanel extends PanelBase {
  readonly type: "stat";
  /** Units, thresholds and mappings. */
  readonly fieldConfig: FieldConfig;
  /** Reduction and colouring. */
  readonly options: {
    readonly reduceOptions: { readonly calcs: readonly ["lastNotNull"]; readonly fields: ""; readonly values: false };
    readonly colorMode: "value" | "background";
    readonly graphMode: "area" | "none";
    readonly textMode: "auto" | "value_and_name";
    readonly justifyMode: "auto";
    readonly orientation: "auto";
  };
}

/** Raw log lines. */
export interface LogsPanel extends PanelBase {
  readonly type: "logs";
  /** How lines are shown. */
  readonly options: {
    readonly showTime: true;
    readonly wrapLogMessage: true;
    readonly enableLogDetails: true;
    readonly prettifyLogMessage: false;
    readonly dedupStrategy: "none";
    readonly sortOrder: "Descending";
  };
}

/** Rows of instant values. */
export interface TablePanel extends PanelBase {
  readonly type: "table";
  /** Units and thresholds. */
  readonly fieldConfig: FieldConfig;
  /** Header and footer. */
  readonly options: { readonly showHeader: true; readonly cellHeight: "sm" };
  /** Joins the queries into one table and hides the Time column. */
  readonly transformations: readonly { readonly id: string; readonly options: Readonly<Record<string, unknown>> }[];
}

/** Every panel type the dashboards use. */
export type Panel = TimeseriesPanel | StatPanel | LogsPanel | TablePanel;

/** A dashboard variable: a Prometheus label query or a fixed list. */
export interface Variable {
  /** Name used as $name in queries. */
  readonly name: string;
  /** Label shown above the picker. */
  readonly label: string;
  /** Where the values come from. */
  readonly type: "query" | "custom";
  /** Datasource of a query variable. */
  readonly datasource?: DatasourceRef;
  /** label_values(…) for a query variable, comma-separated values for a custom one. */
  readonly query: string;
  /** Same as query; Grafana shows it in the editor. */
  readonly definition: string;
  /** 2 = refresh on time-range change (query variables), 0 = never. */
  readonly refresh: 0 | 2;
  /** Several values at once. */
  readonly multi: boolean;
  /** Offers an All option. */
  readonly includeAll: boolean;
  /** The regex that All stands for. */
  readonly allValue?: string;
  /** Selected value at load; empty lets Grafana pick the first. */
  readonly current: Readonly<Record<string, unknown>>;
  /** Values of a custom variable. */
  readonly options: readonly { readonly text: string; readonly value: string; readonly selected: boolean }[];
  /** 1 = sort alphabetically. */
  readonly sort: 0 | 1;
  /** 0 = show the picker. */
  readonly hide: 0;
}

/** An annotation query drawn over every graph. */
export interface Annotation {
  /** Legend name. */
  readonly name: string;
  /** Datasource it queries. */
  readonly datasource: DatasourceRef;
  /** PromQL whose series become annotations. */
  readonly expr: string;
  /** On by default. */
  readonly enable: true;
  /** Shown in the annotation picker. */
  readonly hide: false;
  /** Marker colour. */
  readonly iconColor: string;
  /** Annotation title template. */
  readonly titleFormat: string;
  /** Labels shown as tags. */
  readonly tagKeys: string;
  /** One series per alert, so one region per firing period. */
  readonly useValueForTime: false;
  /** Query resolution. */
  readonly step: string;
}

/** A provisioned dashboard in Grafana's classic JSON model. */
export interface Dashboard {
  /** Stable readable uid; alert and runbook links depend on it. */
  readonly uid: string;
  /** Title in the dashboard list. */
  readonly title: string;
  /** What the dashboard is for. */
  readonly description: string;
  /** Tags; every dashboard carries supabase so the link menu finds its siblings. */
  readonly tags: readonly string[];
  /** Grafana's dashboard JSON schema version. */
  readonly schemaVersion: number;
  /** Provisioned dashboards start at 1. */
  readonly version: 1;
  /** Provisioned dashboards are read-only in the UI. */
  readonly editable: false;
  /** 1 = shared crosshair. */
  readonly graphTooltip: 1;
  /** Auto-refresh period. */
  readonly refresh: string;
  /** Browser time zone. */
  readonly timezone: "browser";
  /** Default time range. */
  readonly time: { readonly from: string; readonly to: "now" };
  /** Variables. */
  readonly templating: { readonly list: readonly Variable[] };
  /** Annotation queries. */
  readonly annotations: { readonly list: readonly Annotation[] };
  /** A drop-down to the other Supabase dashboards. */
  readonly links: readonly { readonly type: "dashboards"; readonly tags: readonly string[]; readonly asDropdown: true; readonly title: string; readonly includeVars: true; readonly keepTime: true }[];
  /** Panels in grid order. */
  readonly panels: readonly Panel[];
}
