// Stat panel: one big value per numeric field (reduceOptions.calcs), coloured by thresholds as
// text or background, with an optional area sparkline.

import { toNumber, timeField } from '../data/frames';
import { contrastText, withAlpha } from '../format/colors';
import { displayToString, makeDisplay, type ConfiguredField, type DisplayValue } from '../format/fieldconfig';
import { reduceValues } from '../format/reduce';
import type { Panel } from '../types';
import { DomRenderer } from './dom_renderer';
import { h, replaceChildren, svg } from '../ui/dom';
import { opt, optObj, optStrings, type PanelData, type RenderContext } from './types';

interface StatValue {
  name: string;
  display: DisplayValue;
  spark: Array<[number, number]> | null;
}

export function statValues(panel: Panel, data: PanelData, theme: RenderContext['theme']): StatValue[] {
  const options = panel.options ?? {};
  const reduce = optObj(options, 'reduceOptions');
  const calc = optStrings(reduce, 'calcs')[0] ?? 'lastNotNull';
  const allValues = reduce.values === true;
  const limit = typeof reduce.limit === 'number' ? reduce.limit : 5000;
  const fieldsRe = typeof reduce.fields === 'string' && reduce.fields ? safeRegex(reduce.fields) : null;
  const out: StatValue[] = [];
  for (const frame of data.frames) {
    const tf = timeField(frame);
    for (const field of frame.fields) {
      if (field.type === 'time') continue;
      if (fieldsRe ? !fieldsRe.test(field.displayName) : field.type !== 'number') continue;
      const nums = field.values.map(toNumber).filter((v): v is number => v !== null && Number.isFinite(v));
      const range = nums.length ? { min: Math.min(...nums), max: Math.max(...nums) } : undefined;
      const display = makeDisplay(field.config, theme, undefined, range);
      if (allValues) {
        for (let i = 0; i < Math.min(field.values.length, limit); i++) {
          out.push({ name: rowName(frame.fields, i, field), display: display(field.values[i]), spark: null });
        }
        continue;
      }
      const value = field.type === 'number' ? reduceValues(field.values, calc) : lastString(field.values);
      let spark: Array<[number, number]> | null = null;
      if (tf && field.type === 'number' && field.values.length > 1) {
        spark = [];
        for (let i = 0; i < field.values.length; i++) {
          const t = toNumber(tf.values[i]);
          const v = toNumber(field.values[i]);
          if (t !== null && v !== null && Number.isFinite(v)) spark.push([t, v]);
        }
        if (spark.length < 2) spark = null;
      }
      out.push({ name: field.displayName, display: display(value), spark });
    }
  }
  return out;
}

function lastString(values: unknown[]): unknown {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i];
  return null;
}

function rowName(fields: ConfiguredField[], row: number, valueField: ConfiguredField): string {
  const parts = fields.filter((f) => f.type === 'string' && f !== valueField).map((f) => String(f.values[row] ?? ''));
  return parts.join(' ') || valueField.displayName;
}

function safeRegex(s: string): RegExp | null {
  try {
    const m = /^\/(.*)\/([a-z]*)$/.exec(s);
    return m ? new RegExp(m[1]!, m[2]) : new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  } catch {
    return null;
  }
}

function sparkline(points: Array<[number, number]>, w: number, h: number, color: string, fill: string): SVGSVGElement {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (minY > 0) minY = 0;
  const sx = (x: number) => (maxX === minX ? 0 : ((x - minX) / (maxX - minX)) * w);
  const sy = (y: number) => (maxY === minY ? h : h - ((y - minY) / (maxY - minY)) * h * 0.95);
  // Cap the path at ~2 points per pixel.
  const step = Math.max(1, Math.floor(points.length / (w * 2)));
  let d = '';
  for (let i = 0; i < points.length; i += step) {
    const [x, y] = points[i]!;
    d += `${d ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
  }
  const last = points[points.length - 1]!;
  d += `L${sx(last[0]).toFixed(1)},${sy(last[1]).toFixed(1)}`;
  const area = `${d}L${w},${h}L0,${h}Z`;
  return svg(
    'svg',
    { class: 'stat-spark', width: w, height: h, viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    svg('path', { d: area, fill, stroke: 'none' }),
    svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 1.5 }),
  );
}

export class StatRenderer extends DomRenderer {
  constructor(
    private readonly panel: Panel,
    host: HTMLElement,
  ) {
    super(host, 'stat-panel');
  }

  protected draw(): void {
    if (!this.data || !this.ctx || this.width <= 0 || this.height <= 0) return;
    const options = this.panel.options ?? {};
    const colorMode = opt<string>(options, 'colorMode', 'value');
    const graphMode = opt<string>(options, 'graphMode', 'area');
    const textMode = opt<string>(options, 'textMode', 'auto');
    const orientation = opt<string>(options, 'orientation', 'auto');
    const values = statValues(this.panel, this.data, this.ctx.theme);
    if (values.length === 0) {
      replaceChildren(this.root, h('div', { class: 'panel-empty' }, 'No data'));
      return;
    }
    const horizontal = orientation === 'horizontal' ? false : orientation === 'vertical' ? true : this.width >= this.height;
    // Grid of cells: side by side when wide, stacked when tall.
    const n = values.length;
    const cols = horizontal ? Math.min(n, Math.max(1, Math.floor(this.width / 120))) : 1;
    const rows = Math.ceil(n / cols);
    const cellW = Math.floor((this.width - (cols - 1) * 4) / cols);
    const cellH = Math.floor((this.height - (rows - 1) * 4) / rows);
    const showName = textMode === 'name' || textMode === 'value_and_name' || (textMode === 'auto' && n > 1);
    const showValue = textMode !== 'name' && textMode !== 'none';
    const cells = values.map((v) => {
      const color = v.display.color;
      const bg = colorMode === 'background' || colorMode === 'background_solid';
      const text = displayToString(v.display) || this.panel.fieldConfig?.defaults?.noValue || 'No data';
      const nameSize = Math.max(10, Math.min(cellH * 0.15, 20));
      const valueArea = cellH - (showName ? nameSize * 1.4 : 0);
      const valueSize = Math.max(
        10,
        Math.min(valueArea * (v.spark && graphMode === 'area' ? 0.45 : 0.6), (cellW * 0.9) / Math.max(2, text.length * 0.58), 90),
      );
      const fg = bg ? contrastText(color) : colorMode === 'none' ? 'var(--text)' : color;
      const style: Record<string, string | number> = { width: cellW, height: cellH };
      if (bg) {
        style.background =
          colorMode === 'background_solid' ? color : `linear-gradient(120deg, ${withAlpha(color, 0.85)}, ${color})`;
      }
      const spark =
        graphMode === 'area' && v.spark && cellH > 50
          ? sparkline(
              v.spark,
              cellW,
              Math.round(cellH * 0.35),
              bg ? 'rgba(255,255,255,0.6)' : color,
              bg ? 'rgba(255,255,255,0.18)' : withAlpha(color.startsWith('#') ? color : '#73BF69', 0.18),
            )
          : null;
      return h(
        'div',
        { class: bg ? 'stat-cell stat-bg' : 'stat-cell', style },
        showName ? h('div', { class: 'stat-name', style: { fontSize: nameSize, color: bg ? fg : 'var(--text)' } }, v.name) : null,
        showValue
          ? h(
              'div',
              { class: 'stat-value', 'data-testid': 'stat-value', style: { fontSize: valueSize, color: fg } },
              v.display.prefix ? h('span', { class: 'stat-affix' }, v.display.prefix) : null,
              v.display.text || (v.display.mapped ? '' : text),
              v.display.suffix ? h('span', { class: 'stat-affix' }, v.display.suffix) : null,
            )
          : null,
        spark,
      );
    });
    this.root.style.gridTemplateColumns = `repeat(${cols}, ${cellW}px)`;
    replaceChildren(this.root, cells);
  }

}
