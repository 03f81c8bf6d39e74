import { DATASOURCES } from "./datasources.js";
import type { FieldConfig, LogsPanel, Panel, StatPanel, TablePanel, Target, ThresholdStep, TimeseriesPanel, ValueMapping } from "./model.js";

/** A query before it becomes a target: which language, the expression and its legend. */
export interface Query {
  /** Prometheus for PromQL, loki for LogQL. */
  readonly language: "prometheus" | "loki";
  /** The expression, with Grafana variables. */
  readonly expr: string;
  /** Series name template. */
  readonly legend: string;
}

/** Size and display options of a panel. */
export interface PanelOptions {
  /** Grafana unit id; short by default. */
  readonly unit?: string;
  /** Columns out of 24; 12 by default. */
  readonly width?: number;
  /** Grid rows; 8 by default. */
  readonly height?: number;
  /** Axis or gauge minimum. */
  readonly min?: number;
  /** Axis or gauge maximum. */
  readonly max?: number;
  /** Colour steps; green only by default. */
  readonly thresholds?: readonly ThresholdStep[];
  /** Value-to-text mappings. */
  readonly mappings?: readonly ValueMapping[];
}

/** A PromQL query. */
export const promql = (expr: string, legend = ""): Query => ({ language: "prometheus", expr, legend });

/** A LogQL query. */
export const logql = (expr: string, legend = ""): Query => ({ language: "loki", expr, legend });

/** Green below the first bound, then orange, then red. */
export const warnAt = (orange: number, red: number): readonly ThresholdStep[] => [
  { color: "green", value: null },
  { color: "orange", value: orange },
  { color: "red", value: red },
];

/** Red below 1, green from 1: for up-style gauges. */
export const UP_THRESHOLDS: readonly ThresholdStep[] = [
  { color: "red", value: null },
  { color: "green", value: 1 },
];

/** 0 → DOWN (red), 1 → UP (green). */
export const UP_MAPPING: ValueMapping = {
  type: "value",
  options: { "0": { text: "DOWN", color: "red", index: 0 }, "1": { text: "UP", color: "green", index: 1 } },
};

const REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function datasourceOf(queries: readonly Query[]) {
  const languages = new Set(queries.map((q) => q.language));
  if (languages.size !== 1) throw new Error(`a panel queries one datasource, got ${[...languages].join(", ") || "none"}`);
  return DATASOURCES[queries[0]!.language];
}

function targets(queries: readonly Query[], mode: "range" | "instant" | "table"): Target[] {
  return queries.map((q, i) => {
    const refId = REF_IDS[i]!;
    if (q.language === "loki") return { refId, datasource: DATASOURCES.loki, expr: q.expr, legendFormat: q.legend, queryType: "range" };
    return {
      refId,
      datasource: DATASOURCES.prometheus,
      expr: q.expr,
      legendFormat: q.legend,
      range: mode === "range",
      instant: mode !== "range",
      format: mode === "table" ? "table" : "time_series",
    };
  });
}

function fieldConfig(options: PanelOptions, colorMode: "palette-classic" | "thresholds"): FieldConfig {
  return {
    defaults: {
      unit: options.unit ?? "short",
      ...(options.min === undefined ? {} : { min: options.min }),
      ...(options.max === undefined ? {} : { max: options.max }),
      thresholds: { mode: "absolute", steps: options.thresholds ?? [{ color: "green", value: null }] },
      mappings: options.mappings ?? [],
      color: { mode: colorMode },
    },
    overrides: [],
  };
}

function base(title: string, description: string, queries: readonly Query[], options: PanelOptions, mode: "range" | "instant" | "table") {
  return {
    id: 0,
    title,
    description,
    datasource: datasourceOf(queries),
    gridPos: { h: options.height ?? 8, w: options.width ?? 12, x: 0, y: 0 },
    targets: targets(queries, mode),
  };
}

/** A graph of one or more queries over time. */
export function timeseries(title: string, description: string, queries: readonly Query[], options: PanelOptions = {}): TimeseriesPanel {
  return {
    type: "timeseries",
    ...base(title, description, queries, options, "range"),
    fieldConfig: fieldConfig(options, "palette-classic"),
    options: {
      legend: { displayMode: "table", placement: "bottom", showLegend: true, calcs: ["mean", "max", "lastNotNull"] },
      tooltip: { mode: "multi", sort: "desc" },
    },
  };
}

/** The current value of each series, coloured by thresholds. */
export function stat(title: string, description: string, queries: readonly Query[], options: PanelOptions = {}): StatPanel {
  return {
    type: "stat",
    ...base(title, description, queries, { width: 6, height: 4, ...options }, "instant"),
    fieldConfig: fieldConfig(options, "thresholds"),
    options: {
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      colorMode: options.mappings ? "background" : "value",
      graphMode: options.mappings ? "none" : "area",
      textMode: queries.some((q) => q.legend) ? "value_and_name" : "auto",
      justifyMode: "auto",
      orientation: "auto",
    },
  };
}

/** One row per series of instant queries, merged on their labels; value columns are named by the queries' legends. */
export function table(title: string, description: string, queries: readonly Query[], options: PanelOptions = {}): TablePanel {
  const valueColumn = (i: number) => (queries.length === 1 ? "Value" : `Value #${REF_IDS[i]}`);
  const renameByName = Object.fromEntries(queries.flatMap((q, i) => (q.legend ? [[valueColumn(i), q.legend]] : [])));
  return {
    type: "table",
    ...base(title, description, queries, options, "table"),
    fieldConfig: fieldConfig(options, "thresholds"),
    options: { showHeader: true, cellHeight: "sm" },
    transformations: [
      { id: "merge", options: {} },
      { id: "organize", options: { excludeByName: { Time: true }, renameByName } },
    ],
  };
}

/** Raw log lines of a LogQL stream query. */
export function logs(title: string, description: string, query: Query, options: PanelOptions = {}): LogsPanel {
  return {
    type: "logs",
    ...base(title, description, [query], { width: 24, height: 12, ...options }, "range"),
    options: { showTime: true, wrapLogMessage: true, enableLogDetails: true, prettifyLogMessage: false, dedupStrategy: "none", sortOrder: "Descending" },
  };
}

/** Numbers panels 1…n and flows them left to right, top to bottom, on the 24-column grid. */
export function layout(panels: readonly Panel[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel, i) => {
    const { w, h } = panel.gridPos;
    if (x + w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const placed = { ...panel, id: i + 1, gridPos: { h, w, x, y } };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return placed;
  });
}
