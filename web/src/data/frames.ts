// Data frames: decoding the server's frame JSON (restoring NaN/±Inf from `entities`), display
// names, and the outer join on time that uPlot needs (one x array, one y array per series).

import type { FieldConfig, FrameJSON } from '../types';

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface Field {
  name: string;
  type: FieldType;
  labels: Record<string, string>;
  config: FieldConfig;
  values: unknown[];
}

export interface DataFrame {
  refId: string;
  name: string;
  metaType: string;
  executedQueryString?: string;
  fields: Field[];
  length: number;
}

function asType(t: unknown): FieldType {
  return t === 'time' || t === 'number' || t === 'string' || t === 'boolean' ? t : 'other';
}

/** Decodes one frame; never throws (missing parts become empty). */
export function decodeFrame(json: FrameJSON): DataFrame {
  const schema = json?.schema ?? {};
  const values = Array.isArray(json?.data?.values) ? json.data!.values! : [];
  const entities = Array.isArray(json?.data?.entities) ? json.data!.entities! : [];
  const fields: Field[] = (schema.fields ?? []).map((f, i) => {
    let col = Array.isArray(values[i]) ? (values[i] as unknown[]) : [];
    const ent = entities[i];
    if (ent) {
      col = col.slice();
      for (const idx of ent.NaN ?? []) col[idx] = NaN;
      for (const idx of ent.Inf ?? []) col[idx] = Infinity;
      for (const idx of ent.NegInf ?? []) col[idx] = -Infinity;
    }
    return {
      name: typeof f?.name === 'string' ? f.name : `Field ${i + 1}`,
      type: asType(f?.type),
      labels: f?.labels && typeof f.labels === 'object' ? f.labels : {},
      config: f?.config && typeof f.config === 'object' ? f.config : {},
      values: col,
    };
  });
  const length = fields.reduce((n, f) => Math.max(n, f.values.length), 0);
  const meta = schema.meta ?? {};
  const out: DataFrame = {
    refId: schema.refId ?? '',
    name: schema.name ?? '',
    metaType: typeof meta.type === 'string' ? meta.type : '',
    fields,
    length,
  };
  if (typeof meta.executedQueryString === 'string') out.executedQueryString = meta.executedQueryString;
  return out;
}

export function decodeFrames(list: FrameJSON[] | undefined | null): DataFrame[] {
  return Array.isArray(list) ? list.map(decodeFrame) : [];
}

export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).filter((k) => k !== '__name__');
  const inner = keys.map((k) => `${k}="${labels[k]}"`).join(', ');
  const name = labels.__name__ ?? '';
  return inner ? `${name}{${inner}}` : name;
}

/**
 * A field's name as Grafana shows it: config.displayName, then the datasource's name (legend
 * format), then labels, then the frame name for a frame's only value field, then the field name.
 */
export function fieldDisplayName(field: Field, frame?: DataFrame, frameCount = 1): string {
  const c = field.config;
  if (c.displayName) return c.displayName;
  if (c.displayNameFromDS) return c.displayNameFromDS;
  if (field.type === 'time') return field.name;
  const labelText = formatLabels(field.labels);
  if (labelText) return labelText;
  if (frame && frame.name && frameCount > 1) {
    const valueFields = frame.fields.filter((f) => f.type === 'number').length;
    if (valueFields === 1) return frame.name;
  }
  if (frame && frame.name && field.name === 'Value' && frame.fields.filter((f) => f.type === 'number').length === 1) {
    return frame.name;
  }
  return field.name;
}

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

export function timeField(frame: DataFrame): Field | undefined {
  return frame.fields.find((f) => f.type === 'time');
}

export interface SeriesRef {
  frameIndex: number;
  fieldIndex: number;
  field: Field;
  frame: DataFrame;
}

export interface JoinedSeries {
  /** x values (Unix ms), ascending. */
  x: number[];
  /** one array per series, aligned with x; null where the series has no value. */
  ys: (number | null)[][];
  series: SeriesRef[];
}

function isSorted(a: number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

/**
 * Outer-joins every number field of every frame that has a time field on time. Fast path when
 * all frames share one time column (Prometheus range results with a common step).
 */
export function joinOnTime(frames: DataFrame[]): JoinedSeries {
  const parts: Array<{ times: number[]; refs: SeriesRef[] }> = [];
  frames.forEach((frame, frameIndex) => {
    const tf = timeField(frame);
    if (!tf) return;
    const refs: SeriesRef[] = [];
    frame.fields.forEach((field, fieldIndex) => {
      if (field.type === 'number') refs.push({ frameIndex, fieldIndex, field, frame });
    });
    if (refs.length === 0) return;
    parts.push({ times: tf.values.map((v) => toNumber(v) ?? NaN), refs });
  });
  const series = parts.flatMap((p) => p.refs);
  if (parts.length === 0) return { x: [], ys: [], series: [] };

  const first = parts[0]!.times;
  const shared =
    isSorted(first) &&
    parts.every((p) => p.times.length === first.length && p.times.every((t, i) => t === first[i]));
  if (shared) {
    const ys = series.map((s) => s.field.values.map(toNumber));
    return { x: first, ys, series };
  }

  // General case: union of all times, then a merge pass per part.
  const all = new Set<number>();
  for (const p of parts) for (const t of p.times) if (!Number.isNaN(t)) all.add(t);
  const x = Array.from(all).sort((a, b) => a - b);
  const index = new Map<number, number>();
  x.forEach((t, i) => index.set(t, i));
  const ys: (number | null)[][] = [];
  for (const p of parts) {
    for (const ref of p.refs) {
      const col: (number | null)[] = new Array(x.length).fill(null);
      const vals = ref.field.values;
      for (let i = 0; i < p.times.length; i++) {
        const at = index.get(p.times[i]!);
        if (at !== undefined) col[at] = toNumber(vals[i]);
      }
      ys.push(col);
    }
  }
  return { x, ys, series };
}

/** Stacks series (in order) within their stacking groups; percent mode divides by the total. */
export function stackSeries(
  ys: (number | null)[][],
  groups: (string | null)[],
  percent: boolean[],
): (number | null)[][] {
  const out = ys.map((col) => col.slice());
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    if (g === null) return;
    const list = byGroup.get(g) ?? [];
    list.push(i);
    byGroup.set(g, list);
  });
  for (const members of byGroup.values()) {
    const n = ys[members[0]!]?.length ?? 0;
    const isPercent = members.some((i) => percent[i]);
    for (let j = 0; j < n; j++) {
      let total = 0;
      if (isPercent) for (const i of members) total += Math.abs(ys[i]![j] ?? 0);
      let acc = 0;
      for (const i of members) {
        const v = ys[i]![j];
        if (v === null || v === undefined || Number.isNaN(v)) {
          out[i]![j] = isPercent ? (total === 0 ? null : acc / total) : acc;
          continue;
        }
        acc += v;
        out[i]![j] = isPercent ? (total === 0 ? 0 : acc / total) : acc;
      }
    }
  }
  return out;
}
