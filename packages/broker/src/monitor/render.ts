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
 * the view with that key set to an empty array. Entries are filled a slice at a time (about
 * SLICE_MS of work each); each slice is serialized in one JSON.stringify and encoded to bytes at
 * once, so no step over the whole document (joining, measuring or encoding megabytes of text)
 * runs in one turn of the event loop. Returns the UTF-8 bytes of the document.
 */
export async function renderSlicedBuffer<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): Promise<Buffer> {
  const base = JSON.stringify(head, null, indent);
  if (items.length === 0) return Buffer.from(base);
  const tail = indent > 0 ? '\n}' : '}';
  if (!base.endsWith(`[]${tail}`)) throw new Error('renderSliced: the list must be the last key of the view');
  // Up to and including the list's '['.
  const chunks: Buffer[] = [Buffer.from(base.slice(0, base.length - tail.length - 1))];
  // A slice is serialized as the list of a one-key object: its entries come out at the depth
  // (and so with the indentation) they have in the view.
  const prefix = indent > 0 ? `{\n${' '.repeat(indent)}"l": [\n` : '{"l":[';
  const suffix = indent > 0 ? `\n${' '.repeat(indent)}]\n}` : ']}';
  let batch: unknown[] = [];
  let first = true;
  const flush = () => {
    const s = JSON.stringify({ l: batch }, null, indent);
    const sep = indent > 0 ? (first ? '\n' : ',\n') : first ? '' : ',';
    chunks.push(Buffer.from(sep + s.slice(prefix.length, s.length - suffix.length)));
    first = false;
    batch = [];
  };
  const slicer = new Slicer(1);
  for (let i = 0; i < items.length; i++) {
    if (slicer.due()) {
      flush();
      await slicer.yield();
    }
    batch.push(fill(items[i]));
  }
  if (batch.length > 0) flush();
  chunks.push(Buffer.from(indent > 0 ? `\n${' '.repeat(indent)}]${tail}` : `]${tail}`));
  return Buffer.concat(chunks);
}

/** renderSlicedBuffer as text. */
export async function renderSliced<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): Promise<string> {
  return (await renderSlicedBuffer(head, items, fill, indent)).toString('utf8');
}
