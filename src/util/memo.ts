// A panel's memory of the slice of the view it last drew: `changed` says whether any part
// differs (by identity: decoded payloads are new objects only when the kernel sent new ones).

export class Memo {
  private last: readonly unknown[] | null = null;

  /** True (and remember `parts`) unless every part is the one seen last time. */
  changed(parts: readonly unknown[]): boolean {
    const l = this.last;
    if (l !== null && l.length === parts.length && l.every((x, i) => Object.is(x, parts[i]))) return false;
    this.last = parts;
    return true;
  }

  /** Forget: the next `changed` is true. */
  reset(): void {
    this.last = null;
  }
}
