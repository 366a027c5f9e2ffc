/**
 * Rendering a large monitoring view without holding the event loop: the entries of its list
 * are built and serialized a slice at a time, with a turn of the event loop between slices, so
 * message delivery goes on while /connz?subs=detail or /subsz?subs=1 is being rendered over
 * thousands of connections. The text equals JSON.stringify of the whole view.
 */

/** Work per event-loop turn: a slice ends once it has run this long (checked every few entries). */
export const SLICE_MS = 2;

/** One turn of the event loop (I/O callbacks, deliveries included, run before it resolves). */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A time budget for sliced work: `due()` says when the current slice has used its time. */
export class Slicer {
  private start = performance.now();
  private n = 0;

  constructor(private readonly every = 8) {}

  /** True (and a new slice begins at the next call) when the slice has run SLICE_MS. */
  due(): boolean {
    if (++this.n % this.every !== 0) return false;
    return performance.now() - this.start >= SLICE_MS;
  }

  async yield(): Promise<void> {
    await yieldTurn();
    this.start = performance.now();
  }
}

/**
 * JSON.stringify(view, null, indent) where the view's last key holds `items.map(fill)`: `head` is
 * the view with that key set to an empty array. Entries are filled and serialized `slice` at a
 * time (about SLICE_MS of work each), yielding to the event loop between slices.
 */
export async function renderSliced<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): Promise<string> {
  const base = JSON.stringify(head, null, indent);
  if (items.length === 0) return base;
  const tail = indent > 0 ? '\n}' : '}';
  if (!base.endsWith(`[]${tail}`)) throw new Error('renderSliced: the list must be the last key of the view');
  const pad = ' '.repeat(indent * 2);
  const parts: string[] = [];
  const slicer = new Slicer(1);
  for (let i = 0; i < items.length; i++) {
    if (slicer.due()) await slicer.yield();
    const s = JSON.stringify(fill(items[i]), null, indent);
    parts.push(indent > 0 ? pad + s.replace(/\n/g, `\n${pad}`) : s);
  }
  const list = indent > 0 ? `[\n${parts.join(',\n')}\n${' '.repeat(indent)}]` : `[${parts.join(',')}]`;
  return base.slice(0, base.length - tail.length - 2) + list + tail;
}
