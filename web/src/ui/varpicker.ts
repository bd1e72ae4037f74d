// Grafana-like picker for a query/custom/interval variable: a button showing the selection
// ("All", "claude-opus-4-1", "claude-opus-4-1 + 1") that opens a popover with a search box and
// the options (checkboxes when multi-value). Single-value variables apply on click; multi-value
// ones apply when the popover closes (Escape, Enter, a click outside, or the button again), as
// Grafana does. Test hooks: the button is `var-<name>` (with `data-values`, the selected values
// as JSON), the search box `var-<name>-search`, each option `var-<name>-option` with
// `data-value` and `aria-selected`.

import type { VariableOption } from '../types';
import { h, icon, onOutside, replaceChildren } from './dom';

export const ALL_VALUE = '$__all';

/**
 * The selection after clicking `value` (Grafana's rules): single-value variables take it;
 * multi-value ones toggle it, where All clears the others and any other value clears All.
 */
export function toggleValue(current: string[], value: string, multi: boolean): string[] {
  if (!multi) return [value];
  if (value === ALL_VALUE) return [ALL_VALUE];
  const rest = current.filter((v) => v !== ALL_VALUE);
  return rest.includes(value) ? rest.filter((v) => v !== value) : [...rest, value];
}

/** The selection to apply when the popover closes: nothing chosen falls back to All or the first option. */
export function finalizeSelection(values: string[], options: VariableOption[], includeAll: boolean): string[] {
  if (values.length > 0) return values;
  if (includeAll) return [ALL_VALUE];
  const first = options.find((o) => o.value !== ALL_VALUE);
  return first ? [first.value] : [];
}

/** The button's text: "All", one option's text, or "<first> + <n more>". */
export function selectionText(values: string[], options: VariableOption[]): string {
  if (values.includes(ALL_VALUE)) return 'All';
  if (values.length === 0) return 'None';
  const text = (v: string) => options.find((o) => o.value === v)?.text ?? v;
  return values.length === 1 ? text(values[0]!) : `${text(values[0]!)} + ${values.length - 1}`;
}

/** Options whose text or value contains the search text (case-insensitive); All always stays. */
export function filterOptions(options: VariableOption[], search: string): VariableOption[] {
  const q = search.trim().toLowerCase();
  if (!q) return options;
  return options.filter((o) => o.value === ALL_VALUE || o.text.toLowerCase().includes(q) || o.value.toLowerCase().includes(q));
}

export interface VarPickerProps {
  name: string;
  label: string;
  multi: boolean;
  includeAll: boolean;
  options: VariableOption[];
  value: string[];
  onChange: (value: string[]) => void;
}

/** The picker element (button + popover while open). */
export function varPicker(p: VarPickerProps): HTMLElement {
  let draft = p.value.slice();
  let close: (() => void) | null = null;
  const wrap = h('div', { class: 'var-picker' });
  const button = h(
    'button',
    {
      type: 'button',
      id: `var-${p.name}`,
      class: 'var-picker-btn',
      'data-testid': `var-${p.name}`,
      'data-values': JSON.stringify(p.value),
      'aria-haspopup': 'listbox',
      'aria-expanded': 'false',
      'aria-label': `${p.label}: ${selectionText(p.value, p.options)}`,
      title: p.value.includes(ALL_VALUE) ? 'All' : p.value.map((v) => p.options.find((o) => o.value === v)?.text ?? v).join(', '),
      onclick: () => (close ? close() : open()),
    },
    h('span', { class: 'var-picker-text' }, selectionText(p.value, p.options)),
    icon('chevronDown', 14),
  );
  wrap.appendChild(button);

  function open(): void {
    draft = p.value.slice();
    let active = 0;
    const search = h('input', {
      class: 'input var-picker-search',
      type: 'search',
      placeholder: 'Search',
      'aria-label': `Search ${p.label}`,
      'data-testid': `var-${p.name}-search`,
    }) as HTMLInputElement;
    const list = h('div', { class: 'var-picker-list', role: 'listbox', 'aria-multiselectable': String(p.multi) });
    const pop = h('div', { class: 'popover var-picker-popover' }, search, list);
    let shown: VariableOption[] = [];

    const renderList = () => {
      shown = filterOptions(p.options, search.value);
      if (active >= shown.length) active = Math.max(0, shown.length - 1);
      replaceChildren(
        list,
        shown.length === 0 ? h('div', { class: 'var-picker-empty' }, 'No options') : null,
        shown.map((o, i) => {
          const selected = draft.includes(o.value);
          return h(
            'div',
            {
              class: `var-picker-option${selected ? ' selected' : ''}${i === active ? ' active' : ''}`,
              role: 'option',
              'aria-selected': String(selected),
              'data-testid': `var-${p.name}-option`,
              'data-value': o.value,
              onmousedown: (e: MouseEvent) => e.preventDefault(), // keep focus in the search box
              onclick: () => choose(o.value),
            },
            p.multi ? h('span', { class: `var-picker-check${selected ? ' on' : ''}`, 'aria-hidden': 'true' }, selected ? '✓' : '') : null,
            h('span', { class: 'var-picker-label' }, o.text),
          );
        }),
      );
      (list.children[active] as HTMLElement | undefined)?.scrollIntoView?.({ block: 'nearest' });
    };

    const choose = (value: string) => {
      draft = toggleValue(draft, value, p.multi);
      if (!p.multi) {
        close?.();
        return;
      }
      renderList();
    };

    search.addEventListener('input', () => {
      active = 0;
      renderList();
    });
    search.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (shown.length) active = (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        renderList();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        if (!p.multi && shown[active]) choose(shown[active]!.value);
        else close?.();
      } else if (e.key === ' ' && p.multi && search.value === '' && shown[active]) {
        e.preventDefault();
        choose(shown[active]!.value);
      }
    });

    renderList();
    wrap.appendChild(pop);
    button.setAttribute('aria-expanded', 'true');
    const remove = onOutside(pop, () => close?.(), button);
    close = () => {
      remove();
      pop.remove();
      close = null;
      button.setAttribute('aria-expanded', 'false');
      const next = finalizeSelection(draft, p.options, p.includeAll);
      if (JSON.stringify(next) !== JSON.stringify(p.value)) p.onChange(next);
    };
    search.focus();
  }

  return wrap;
}
