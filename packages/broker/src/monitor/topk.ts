/**
 * The first `k` items of a sequence in a comparator's order, without sorting the whole sequence:
 * a bounded binary heap whose top is the worst item kept. Adding is O(log k) and `drain` pops one
 * item per step, so both can run in slices (render.ts `Steps`).
 */
export class TopK<T> {
  private readonly heap: T[] = [];

  /** `cmp` must be a total order (ties broken), so the result equals a full sort's first k. */
  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  add(item: T): void {
    const h = this.heap;
    if (this.k <= 0) return;
    if (h.length < this.k) {
      h.push(item);
      this.up(h.length - 1);
    } else if (this.cmp(item, h[0]) < 0) {
      h[0] = item;
      this.down(0);
    }
  }

  /** The items kept, best first; one step per item. Empties the heap. */
  *drain(): Generator<void, T[], void> {
    const h = this.heap;
    const out = new Array<T>(h.length);
    for (let i = h.length - 1; i >= 0; i--) {
      out[i] = h[0];
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        this.down(0);
      }
      yield;
    }
    return out;
  }

  /** Worse items rise: the parent is never better than its children. */
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.cmp(h[i], h[p]) <= 0) return;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < h.length && this.cmp(h[l], h[w]) > 0) w = l;
      if (r < h.length && this.cmp(h[r], h[w]) > 0) w = r;
      if (w === i) return;
      [h[i], h[w]] = [h[w], h[i]];
      i = w;
    }
  }
}
