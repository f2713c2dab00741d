// Sorting the grid's row order. Keys are numbers (parameter codes, statistics, status
// rank); NaN (and absent parameter values, code -1) always sort last whatever the
// direction; ties keep their previous order (stable).

export type SortDir = "asc" | "desc";

export interface SortSpec {
  column: string;
  dir: SortDir;
}

/**
 * Return a new array of `ids` ordered by `key(id)`.
 *
 * @param ids row ids (config ids) in their current order
 * @param key numeric sort key of an id; NaN = missing (always last)
 * @param dir ascending or descending
 */
export function sortIds(ids: ArrayLike<number>, key: (id: number) => number, dir: SortDir): Int32Array {
  const n = ids.length;
  const keys = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = key(ids[i]);
    order[i] = i;
  }
  const sign = dir === "asc" ? 1 : -1;
  order.sort((a, b) => {
    const ka = keys[a];
    const kb = keys[b];
    const na = Number.isNaN(ka);
    const nb = Number.isNaN(kb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    if (ka !== kb) return ka < kb ? -sign : sign;
    return a - b; // explicit stability, independent of the engine's sort
  });
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = ids[order[i]];
  return out;
}

/**
 * Clicking a header: a new column sorts in its `first` direction (ascending unless the column
 * says otherwise), the same column flips, a third click clears.
 */
export function nextSort(current: SortSpec | null, column: string, first: SortDir = "asc"): SortSpec | null {
  if (!current || current.column !== column) return { column, dir: first };
  if (current.dir === first) return { column, dir: first === "asc" ? "desc" : "asc" };
  return null;
}
