// The virtualised list's arithmetic and DOM helpers: which rows a scroll position shows, where
// to scroll to reveal one, and re-using a row element for new content.

/** Rows [start, end) to render for a scroll position, with `overscan` extra on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end };
}

/** The scrollTop that brings row `index` fully into view (unchanged if it already is). */
export function revealScrollTop(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  headerHeight = 0,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + Math.max(rowHeight, viewportHeight - headerHeight);
  if (top < visibleTop) return top;
  if (bottom > visibleBottom) return bottom - Math.max(rowHeight, viewportHeight - headerHeight);
  return scrollTop;
}

/** Position of `config` in `order` (-1: not listed). */
export function indexOf(order: Int32Array, config: number): number {
  return config < 0 ? -1 : order.indexOf(config);
}

/** Give `target` the attributes and children of `source` (a freshly rendered row). */
export function morphInto(target: HTMLElement, source: HTMLElement): void {
  for (const name of target.getAttributeNames()) if (!source.hasAttribute(name)) target.removeAttribute(name);
  for (const name of source.getAttributeNames()) target.setAttribute(name, source.getAttribute(name)!);
  target.replaceChildren(...source.childNodes);
}
