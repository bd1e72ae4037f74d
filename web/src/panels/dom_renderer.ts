// The common part of the panels drawn as DOM/SVG (stat, pie, table): a root element in the
// panel's host, the latest data and context, the size, and a redraw when either changes.
import { h } from '../ui/dom';
import type { PanelData, PanelRenderer, RenderContext } from './types';

export abstract class DomRenderer implements PanelRenderer {
  protected readonly root: HTMLElement;
  protected data: PanelData | null = null;
  protected ctx: RenderContext | null = null;
  protected width = 0;
  protected height = 0;

  constructor(host: HTMLElement, className: string) {
    this.root = h('div', { class: className });
    host.appendChild(this.root);
  }

  update(data: PanelData, ctx: RenderContext): void {
    this.data = data;
    this.ctx = ctx;
    this.draw();
  }

  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.resized();
  }

  destroy(): void {
    this.root.remove();
  }

  /** What a new size does; redraws by default. */
  protected resized(): void {
    this.draw();
  }

  protected abstract draw(): void;
}
