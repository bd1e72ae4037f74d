// Series legends (time series and pie charts): list or table, bottom or right, with values.

import { h } from '../ui/dom';

export interface LegendItem {
  label: string;
  color: string;
  values: string[];
  hidden?: boolean;
}

export interface LegendOptions {
  mode: 'list' | 'table' | 'hidden';
  placement: 'bottom' | 'right';
  columns: string[];
  onClick?: (index: number, event: MouseEvent) => void;
  onHover?: (index: number | null) => void;
}

/** Legend options from a panel's options.legend (Grafana's fields and defaults). */
export function legendOptions(legend: Record<string, unknown>): { mode: LegendOptions['mode']; placement: LegendOptions['placement'] } {
  const show = legend.showLegend !== false && legend.displayMode !== 'hidden';
  return {
    mode: !show ? 'hidden' : legend.displayMode === 'table' ? 'table' : 'list',
    placement: legend.placement === 'right' ? 'right' : 'bottom',
  };
}

export function renderLegend(items: LegendItem[], o: LegendOptions): HTMLElement {
  const cls = `legend legend-${o.mode} legend-${o.placement}`;
  const hover = (i: number | null) => () => o.onHover?.(i);
  const swatch = (color: string) => h('span', { class: 'legend-swatch', style: { background: color } });
  if (o.mode === 'table') {
    return h(
      'div',
      { class: cls },
      h(
        'table',
        null,
        o.columns.length ? h('thead', null, h('tr', null, h('th', null, 'Name'), o.columns.map((c) => h('th', null, c)))) : null,
        h(
          'tbody',
          null,
          items.map((it, i) =>
            h(
              'tr',
              {
                class: it.hidden ? 'legend-item hidden' : 'legend-item',
                'data-testid': 'legend-item',
                onclick: (e: MouseEvent) => o.onClick?.(i, e),
                onmouseenter: hover(i),
                onmouseleave: hover(null),
              },
              h('td', { class: 'legend-name', title: it.label }, swatch(it.color), h('span', null, it.label)),
              it.values.map((v) => h('td', { class: 'legend-value' }, v)),
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'div',
    { class: cls },
    items.map((it, i) =>
      h(
        'div',
        {
          class: it.hidden ? 'legend-item hidden' : 'legend-item',
          'data-testid': 'legend-item',
          role: 'button',
          tabindex: '0',
          title: it.label,
          onclick: (e: MouseEvent) => o.onClick?.(i, e),
          onmouseenter: hover(i),
          onmouseleave: hover(null),
        },
        swatch(it.color),
        h('span', { class: 'legend-name' }, it.label),
        it.values.map((v, j) => h('span', { class: 'legend-value' }, o.columns[j] ? `${o.columns[j]}: ${v}` : v)),
      ),
    ),
  );
}
