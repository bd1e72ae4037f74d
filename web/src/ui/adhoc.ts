// Ad hoc filters (a variable of type "adhoc"): chips "key op value ×" and an editor to add one
// (key from the datasource's label names, operator, value from the key's label values). URL
// state as Grafana: `var-<name>=key|op|value`, repeated, a "|" inside a part written "__gfp__".
// Test hooks: `var-<name>` (the control), `var-<name>-chip` (one per filter, with data-key,
// data-operator, data-value), `var-<name>-remove`, `var-<name>-add`, and in the editor
// `var-<name>-key`, `var-<name>-operator`, `var-<name>-value`, `var-<name>-apply`.

import { h, icon, onOutside, replaceChildren } from './dom';

export interface AdhocFilter {
  key: string;
  operator: string;
  value: string;
}

export const ADHOC_OPERATORS = ['=', '!=', '=~', '!~'] as const;

const PIPE_ESCAPE = '__gfp__';

/** One `var-<name>` value "key|op|value" to a filter; null when it is not one. */
export function parseAdhocParam(text: string): AdhocFilter | null {
  const parts = text.split('|');
  if (parts.length < 3) return null;
  const unescape = (s: string) => s.split(PIPE_ESCAPE).join('|');
  const key = unescape(parts[0]!);
  const operator = parts[1]!;
  // Older links wrote a bare "|" inside the value: keep everything after the operator.
  const value = unescape(parts.slice(2).join('|'));
  if (!key || !(ADHOC_OPERATORS as readonly string[]).includes(operator)) return null;
  return { key, operator, value };
}

export function formatAdhocParam(f: AdhocFilter): string {
  const escape = (s: string) => s.split('|').join(PIPE_ESCAPE);
  return `${escape(f.key)}|${f.operator}|${escape(f.value)}`;
}

export interface AdhocEditorProps {
  name: string;
  label: string;
  filters: AdhocFilter[];
  /** label names of the variable's datasource */
  loadKeys: () => Promise<string[]>;
  /** values of one label */
  loadValues: (key: string) => Promise<string[]>;
  onChange: (filters: AdhocFilter[]) => void;
}

function datalist(id: string, items: string[]): HTMLElement {
  return h('datalist', { id }, items.map((v) => h('option', { value: v })));
}

export function adhocEditor(p: AdhocEditorProps): HTMLElement {
  const chips = p.filters.map((f, i) =>
    h(
      'span',
      {
        class: 'adhoc-chip',
        'data-testid': `var-${p.name}-chip`,
        'data-key': f.key,
        'data-operator': f.operator,
        'data-value': f.value,
      },
      h('span', { class: 'adhoc-key' }, f.key),
      h('span', { class: 'adhoc-op' }, f.operator),
      h('span', { class: 'adhoc-value' }, f.value),
      h(
        'button',
        {
          type: 'button',
          class: 'adhoc-remove',
          'aria-label': `Remove filter ${f.key} ${f.operator} ${f.value}`,
          'data-testid': `var-${p.name}-remove`,
          onclick: () => p.onChange(p.filters.filter((_, j) => j !== i)),
        },
        '×',
      ),
    ),
  );
  const wrap = h('div', { class: 'adhoc', 'data-testid': `var-${p.name}` });
  let close: (() => void) | null = null;
  const add = h(
    'button',
    {
      type: 'button',
      class: 'adhoc-add',
      title: 'Add a filter',
      'aria-label': `Add a filter to ${p.label}`,
      'aria-haspopup': 'dialog',
      'data-testid': `var-${p.name}-add`,
      onclick: () => (close ? close() : open()),
    },
    icon('plus', 14),
  );
  replaceChildren(wrap, chips, add);

  function open(): void {
    const keysId = `adhoc-${p.name}-keys`;
    const valuesId = `adhoc-${p.name}-values`;
    const keyList = datalist(keysId, []);
    const valueList = datalist(valuesId, []);
    const key = h('input', {
      class: 'input adhoc-input',
      placeholder: 'key',
      list: keysId,
      autocomplete: 'off',
      'aria-label': 'Filter key',
      'data-testid': `var-${p.name}-key`,
    }) as HTMLInputElement;
    const operator = h(
      'select',
      { class: 'select adhoc-operator', 'aria-label': 'Operator', 'data-testid': `var-${p.name}-operator` },
      ADHOC_OPERATORS.map((o) => h('option', { value: o }, o)),
    ) as HTMLSelectElement;
    const value = h('input', {
      class: 'input adhoc-input',
      placeholder: 'value',
      list: valuesId,
      autocomplete: 'off',
      'aria-label': 'Filter value',
      'data-testid': `var-${p.name}-value`,
    }) as HTMLInputElement;
    const error = h('div', { class: 'form-error', hidden: true });
    const apply = () => {
      const k = key.value.trim();
      if (!k) {
        error.hidden = false;
        error.textContent = 'Choose a key';
        key.focus();
        return;
      }
      const next = [...p.filters, { key: k, operator: operator.value, value: value.value }];
      close?.();
      p.onChange(next);
    };
    const onEnter = (e: KeyboardEvent) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        apply();
      }
    };
    key.addEventListener('keydown', onEnter);
    value.addEventListener('keydown', onEnter);
    let loadedFor = '';
    const loadValues = () => {
      const k = key.value.trim();
      if (!k || k === loadedFor) return;
      loadedFor = k;
      p.loadValues(k)
        .then((vals) => {
          if (key.value.trim() === k) replaceChildren(valueList, vals.map((v) => h('option', { value: v })));
        })
        .catch(() => undefined);
    };
    key.addEventListener('change', loadValues);
    key.addEventListener('blur', loadValues);
    const pop = h(
      'div',
      { class: 'popover adhoc-popover', role: 'dialog', 'aria-label': `Add a filter to ${p.label}` },
      h('div', { class: 'adhoc-form' }, key, operator, value, keyList, valueList),
      error,
      h(
        'div',
        { class: 'adhoc-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close?.() }, 'Cancel'),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': `var-${p.name}-apply`, onclick: apply }, 'Add filter'),
      ),
    );
    wrap.appendChild(pop);
    add.setAttribute('aria-expanded', 'true');
    const remove = onOutside(pop, () => close?.(), add);
    close = () => {
      remove();
      pop.remove();
      close = null;
      add.setAttribute('aria-expanded', 'false');
    };
    p.loadKeys()
      .then((keys) => replaceChildren(keyList, keys.map((k) => h('option', { value: k }))))
      .catch(() => undefined);
    key.focus();
  }

  return wrap;
}
