// The parts of Grafana's dashboard JSON and of the API answers (docs/ui.md) the app reads.
// Everything is optional: dashboards come from users and must never crash the app.

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: DataSourceRef | string | null;
  legendFormat?: string;
  format?: string;
  instant?: boolean;
  range?: boolean;
  queryType?: string;
  hide?: boolean;
  [key: string]: unknown;
}

export interface Threshold {
  value: number | null;
  color: string;
}

export interface ThresholdsConfig {
  mode?: 'absolute' | 'percentage';
  steps?: Threshold[];
}

export interface ValueMappingResult {
  text?: string;
  color?: string;
  index?: number;
}

export type ValueMapping =
  | { type: 'value'; options: Record<string, ValueMappingResult> }
  | { type: 'range'; options: { from?: number | null; to?: number | null; result: ValueMappingResult } }
  | { type: 'regex'; options: { pattern: string; result: ValueMappingResult } }
  | { type: 'special'; options: { match: string; result: ValueMappingResult } };

export interface FieldColor {
  mode?: string;
  fixedColor?: string;
  seriesBy?: string;
}

export interface FieldConfig {
  unit?: string;
  decimals?: number | null;
  min?: number | null;
  max?: number | null;
  displayName?: string;
  displayNameFromDS?: string;
  noValue?: string;
  color?: FieldColor;
  thresholds?: ThresholdsConfig;
  mappings?: ValueMapping[];
  custom?: Record<string, unknown>;
  interval?: number;
  [key: string]: unknown;
}

export interface OverrideProperty {
  id: string;
  value?: unknown;
}

export interface Override {
  matcher?: { id?: string; options?: unknown };
  properties?: OverrideProperty[];
}

export interface FieldConfigSource {
  defaults?: FieldConfig;
  overrides?: Override[];
}

export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  gridPos?: Partial<GridPos>;
  collapsed?: boolean;
  panels?: Panel[];
  datasource?: DataSourceRef | string | null;
  targets?: Target[];
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
  transformations?: unknown[];
  interval?: string;
  maxDataPoints?: number;
  [key: string]: unknown;
}

export interface VariableOption {
  text: string;
  value: string;
  selected?: boolean;
}

export interface Variable {
  name?: string;
  label?: string;
  type?: string;
  hide?: number;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  query?: unknown;
  definition?: string;
  regex?: string;
  refresh?: number;
  current?: { text?: string | string[]; value?: string | string[] };
  options?: VariableOption[];
  datasource?: DataSourceRef | string | null;
  [key: string]: unknown;
}

export interface DashboardLink {
  title?: string;
  url?: string;
  type?: string;
  targetBlank?: boolean;
  keepTime?: boolean;
  includeVars?: boolean;
  tooltip?: string;
}

export interface Dashboard {
  id?: number | null;
  uid?: string;
  title?: string;
  tags?: string[];
  panels?: Panel[];
  time?: { from?: string; to?: string };
  timepicker?: { refresh_intervals?: string[]; hidden?: boolean };
  timezone?: string;
  weekStart?: string;
  refresh?: string | boolean;
  templating?: { list?: Variable[] };
  links?: DashboardLink[];
  graphTooltip?: number;
  version?: number;
  [key: string]: unknown;
}

export interface DashboardMeta {
  canSave?: boolean;
  canEdit?: boolean;
  canAdmin?: boolean;
  slug?: string;
  url?: string;
  provisioned?: boolean;
  folderTitle?: string;
  source?: 'builtin' | 'provisioned' | 'imported' | string;
  version?: number;
  updated?: string;
}

export interface DashboardResponse {
  dashboard: Dashboard;
  meta: DashboardMeta;
}

export interface SearchHit {
  id?: number;
  uid: string;
  title: string;
  url?: string;
  slug?: string;
  type?: string;
  tags?: string[];
  folderTitle?: string;
  folderUid?: string;
}

export interface User {
  login: string;
  role: 'Admin' | 'Viewer' | string;
  authEnabled: boolean;
}

export interface Datasource {
  id?: number;
  uid: string;
  name: string;
  type: string;
  isDefault?: boolean;
}

/** Grafana data-frame JSON as the server sends it. */
export interface FrameJSON {
  schema?: {
    refId?: string;
    name?: string;
    meta?: { type?: string; executedQueryString?: string; [k: string]: unknown };
    fields?: Array<{
      name?: string;
      type?: string;
      labels?: Record<string, string> | null;
      config?: FieldConfig | null;
    }>;
  };
  data?: {
    values?: unknown[][];
    entities?: Array<{ NaN?: number[]; Inf?: number[]; NegInf?: number[] } | null>;
  };
}

export interface QueryInfo {
  refId?: string;
  datasource?: DataSourceRef;
  expr?: string;
  kind?: string;
  error?: string;
  warnings?: string[];
}

export interface PanelQueryResponse {
  from?: number;
  to?: number;
  intervalMs?: number;
  queries?: QueryInfo[];
  frames?: FrameJSON[];
}

export interface DsQueryResponse {
  results?: Record<string, { status?: number; frames?: FrameJSON[]; error?: string }>;
}
