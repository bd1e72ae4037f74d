// Pie and donut charts in SVG: one slice per numeric field (reduced with reduceOptions.calcs) or
// per row (reduceOptions.values), sorted large to small, with a legend showing value/percent.

import { toNumber } from '../data/frames';
import { displayToString, fieldColor, makeDisplay } from '../format/fieldconfig';
import { reduceValues } from '../format/reduce';
import { classicColor } from '../format/colors';
import type { Panel } from '../types';
import { DomRenderer } from './dom_renderer';
import { h, replaceChildren, svg } from '../ui/dom';
import { legendOptions, renderLegend } from './legend';
import { optObj, optStrings, type PanelData, type RenderContext } from './types';

export interface Slice {
  label: string;
  value: number;
  text: string;
  color: string;
}

export function pieSlices(panel: Panel, data: PanelData, theme: RenderContext['theme']): Slice[] {
  const reduce = optObj(panel.options, 'reduceOptions');
  const calc = optStrings(reduce, 'calcs')[0] ?? 'lastNotNull';
  const perRow = reduce.values === true;
  const out: Slice[] = [];
  let colorIndex = 0;
  for (const frame of data.frames) {
    for (const field of frame.fields) {
      if (field.type !== 'number') continue;
      if ((field.config.custom?.hideFrom as Record<string, unknown> | undefined)?.viz === true) continue;
      const display = makeDisplay(field.config, theme, fieldColor(field, theme));
      if (perRow) {
        const names = frame.fields.filter((f) => f.type === 'string');
        for (let i = 0; i < field.values.length; i++) {
          const v = toNumber(field.values[i]);
          if (v === null || !Number.isFinite(v)) continue;
          const label = names.map((f) => String(f.values[i] ?? '')).join(' ') || `${field.displayName} ${i + 1}`;
          const d = display(v);
          const color = field.config.color?.mode === 'fixed' ? d.color : classicColor(colorIndex, theme);
          colorIndex++;
          out.push({ label, value: v, text: displayToString(d), color });
        }
        continue;
      }
      const v = reduceValues(field.values, calc);
      colorIndex++;
      if (v === null || !Number.isFinite(v)) continue;
      const d = display(v);
      out.push({ label: field.displayName, value: v, text: displayToString(d), color: fieldColor(field, theme) });
    }
  }
  return out.sort((a, b) => b.value - a.value);
}

/** SVG path of a slice (a ring segment when inner > 0); a full circle is drawn as two halves. */
export function arcPath(cx: number, cy: number, r: number, inner: number, a0: number, a1: number): string {
  const p = (rad: number, a: number) => `${(cx + rad * Math.sin(a)).toFixed(2)},${(cy - rad * Math.cos(a)).toFixed(2)}`;
  if (a1 - a0 >= Math.PI * 2 - 1e-9) {
    // An arc whose ends coincide is not drawn at all: two half circles instead.
    const mid = a0 + Math.PI;
    const outer = `M${p(r, a0)}A${r},${r} 0 1 1 ${p(r, mid)}A${r},${r} 0 1 1 ${p(r, a0)}Z`;
    if (inner <= 0) return outer;
    return `${outer}M${p(inner, a0)}A${inner},${inner} 0 1 0 ${p(inner, mid)}A${inner},${inner} 0 1 0 ${p(inner, a0)}Z`;
  }
  const large = a1 - a0 > Math.PI ? 1 : 0;
  if (inner <= 0) return `M${cx},${cy}L${p(r, a0)}A${r},${r} 0 ${large} 1 ${p(r, a1)}Z`;
  return `M${p(r, a0)}A${r},${r} 0 ${large} 1 ${p(r, a1)}L${p(inner, a1)}A${inner},${inner} 0 ${large} 0 ${p(inner, a0)}Z`;
}

export class PieChartRenderer extends DomRenderer {
  private hidden = new Set<string>();

  constructor(
    private readonly panel: Panel,
    host: HTMLElement,
  ) {
    super(host, 'pie-panel');
  }

  protected draw(): void {
    if (!this.data || !this.ctx || this.width <= 0 || this.height <= 0) return;
    const options = this.panel.options ?? {};
    const slices = pieSlices(this.panel, this.data, this.ctx.theme);
    if (slices.length === 0) {
      replaceChildren(this.root, h('div', { class: 'panel-empty' }, 'No data'));
      return;
    }
    const legendRaw = optObj(options, 'legend');
    const legend = legendOptions(legendRaw);
    const values = optStrings(legendRaw, 'values');
    const visible = slices.filter((s) => !this.hidden.has(s.label));
    const total = visible.reduce((a, s) => a + Math.max(0, s.value), 0);
    const pct = (s: Slice) => (total > 0 ? `${((Math.max(0, s.value) / total) * 100).toFixed(0)}%` : '0%');
    const legendEl =
      legend.mode === 'hidden'
        ? null
        : renderLegend(
            slices.map((s) => ({
              label: s.label,
              color: s.color,
              hidden: this.hidden.has(s.label),
              values: values.map((v) => (v === 'percent' ? pct(s) : s.text)),
            })),
            {
              mode: legend.mode,
              placement: legend.placement,
              columns: legend.mode === 'table' ? values.map((v) => (v === 'percent' ? 'Percent' : 'Value')) : [],
              onClick: (i) => {
                const s = slices[i];
                if (!s) return;
                if (this.hidden.has(s.label)) this.hidden.delete(s.label);
                else this.hidden.add(s.label);
                this.draw();
              },
              onHover: (i) => {
                for (const el of Array.from(this.root.querySelectorAll('.pie-slice'))) {
                  el.classList.toggle('dim', i !== null && el.getAttribute('data-index') !== String(i));
                }
              },
            },
          );
    this.root.classList.toggle('legend-at-right', legend.placement === 'right');
    replaceChildren(this.root, h('div', { class: 'pie-area' }), legendEl);
    const area = this.root.firstElementChild as HTMLElement;
    let w = this.width;
    let hgt = this.height;
    if (legendEl) {
      if (legend.placement === 'right') w -= legendEl.offsetWidth + 8;
      else hgt -= legendEl.offsetHeight + 4;
    }
    w = Math.max(20, w);
    hgt = Math.max(20, hgt);
    const r = Math.max(5, Math.min(w, hgt) / 2 - 6);
    const inner = this.panel.options?.pieType === 'donut' ? r * 0.6 : 0;
    const labels = optStrings(options, 'displayLabels');
    let a = 0;
    const parts: SVGElement[] = [];
    slices.forEach((s, i) => {
      if (this.hidden.has(s.label) || s.value <= 0 || total <= 0) return;
      const span = (s.value / total) * Math.PI * 2;
      parts.push(
        svg(
          'path',
          { class: 'pie-slice', 'data-index': i, d: arcPath(w / 2, hgt / 2, r, inner, a, a + span), fill: s.color },
          svg('title', null, `${s.label}: ${s.text} (${pct(s)})`),
        ),
      );
      if (labels.length && span > 0.35) {
        const mid = a + span / 2;
        const lr = inner > 0 ? (r + inner) / 2 : r * 0.65;
        const text = labels.map((l) => (l === 'percent' ? pct(s) : l === 'name' ? s.label : s.text)).join(' ');
        parts.push(
          svg(
            'text',
            {
              x: w / 2 + lr * Math.sin(mid),
              y: hgt / 2 - lr * Math.cos(mid),
              class: 'pie-label',
              'text-anchor': 'middle',
              'dominant-baseline': 'middle',
            },
            text,
          ),
        );
      }
      a += span;
    });
    area.appendChild(
      svg('svg', { width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': this.panel.title ?? 'pie chart' }, parts),
    );
  }

}
