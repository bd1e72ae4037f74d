export interface Page {
  readonly el: HTMLElement;
  /** the URL changed but the route (path) is the same page */
  onUrl?(): void;
  destroy(): void;
}
