// A few DOM helpers instead of a UI framework: h() builds elements, svg() SVG elements.

export type Child = Node | string | number | null | undefined | false | Child[];

export type Props = Record<string, unknown> & {
  class?: string;
  style?: string | Partial<Record<string, string | number>>;
};

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
}

const PROPERTY_KEYS = new Set(['value', 'checked', 'disabled', 'selected', 'multiple', 'indeterminate', 'hidden']);

function applyProps(el: Element, props: Props | null | undefined): void {
  if (!props) return;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      if (PROPERTY_KEYS.has(key) && key in el) (el as unknown as Record<string, unknown>)[key] = value ?? '';
      continue;
    }
    if (key === 'style') {
      if (typeof value === 'string') el.setAttribute('style', value);
      else {
        const style = (el as HTMLElement).style;
        for (const [k, v] of Object.entries(value as Record<string, string | number>)) {
          if (k.startsWith('--')) style.setProperty(k, String(v));
          else (style as unknown as Record<string, string>)[k] = typeof v === 'number' ? `${v}px` : v;
        }
      }
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (PROPERTY_KEYS.has(key) && key in el) {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else if (key === 'class') {
      el.setAttribute('class', String(value));
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

/** Closes a popover when clicking outside of it or pressing Escape; returns the remover. */
export function onOutside(el: HTMLElement, close: () => void, also?: HTMLElement): () => void {
  const click = (e: MouseEvent) => {
    const t = e.target as Node | null;
    if (t && (el.contains(t) || also?.contains(t))) return;
    close();
  };
  const key = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
  };
  setTimeout(() => document.addEventListener('mousedown', click), 0);
  document.addEventListener('keydown', key);
  return () => {
    document.removeEventListener('mousedown', click);
    document.removeEventListener('keydown', key);
  };
}

/** Inline SVG icons (stroke icons, 16 px). */
const ICONS: Record<string, string> = {
  clock: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4v4l2.5 2',
  refresh: 'M13.5 8A5.5 5.5 0 1 1 11.9 4.1M13.5 2v3h-3',
  zoomOut: 'M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3l3.2 3.2M5 7h4',
  chevronDown: 'M4 6l4 4 4-4',
  chevronRight: 'M6 4l4 4-4 4',
  menu: 'M3 4h10M3 8h10M3 12h10',
  sun: 'M8 5a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13 9.5A5.5 5.5 0 1 1 6.5 3 4.5 4.5 0 0 0 13 9.5z',
  user: 'M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2.5 14.5a5.5 5.5 0 0 1 11 0',
  dots: 'M3.5 8h.01M8 8h.01M12.5 8h.01',
  upload: 'M8 11V2.5M4.5 6L8 2.5 11.5 6M2.5 11v2.5h11V11',
  search: 'M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3l3.2 3.2',
  compass: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM10.5 5.5l-1.5 3.5-3.5 1.5 1.5-3.5z',
  grid: 'M2.5 2.5h4.5v4.5h-4.5zM9 2.5h4.5v4.5H9zM2.5 9h4.5v4.5h-4.5zM9 9h4.5v4.5H9z',
  eye: 'M1.5 8s2.5-4.5 6.5-4.5 6.5 4.5 6.5 4.5-2.5 4.5-6.5 4.5S1.5 8 1.5 8zM8 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  share: 'M11.5 5.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM4.5 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM11.5 14.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM6.3 9l3.4 2M9.7 4.5L6.3 7',
  trash: 'M3 4.5h10M6 4.5V3h4v1.5M4.5 4.5l.5 9h6l.5-9',
  download: 'M8 2.5V11M4.5 7.5L8 11l3.5-3.5M2.5 13.5h11',
  logout: 'M6 2.5H3v11h3M10.5 5L13.5 8l-3 3M13.5 8H6',
  link: 'M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1',
  close: 'M4 4l8 8M12 4l-8 8',
  plus: 'M8 3v10M3 8h10',
};

export function icon(name: string, size = 16): SVGSVGElement {
  return svg(
    'svg',
    {
      class: 'icon',
      width: size,
      height: size,
      viewBox: '0 0 16 16',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.5,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
    },
    svg('path', { d: ICONS[name] ?? '' }),
  );
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (t) clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
