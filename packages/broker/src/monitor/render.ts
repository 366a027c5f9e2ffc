/**
 * Rendering a large monitoring view without holding the event loop: the entries of its list
 * are built and serialized a slice at a time, with a turn of the event loop between slices, so
 * message delivery goes on while /connz?subs=detail or /subsz?subs=1 is being rendered over
 * thousands of connections. The text equals JSON.stringify of the whole view.
 */

/** Entries built and serialized per event-loop turn. */
export const RENDER_SLICE = 64;

/** One turn of the event loop (I/O callbacks, deliveries included, run before it resolves). */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * JSON.stringify(view, null, indent) where the view's last key holds `items.map(fill)`: `head` is
 * the view with that key set to an empty array. Entries are filled and serialized `slice` at a
 * time, yielding to the event loop between slices.
 */
export async function renderSliced<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0, slice = RENDER_SLICE): Promise<string> {
  const base = JSON.stringify(head, null, indent);
  if (items.length === 0) return base;
  const tail = indent > 0 ? '\n}' : '}';
  if (!base.endsWith(`[]${tail}`)) throw new Error('renderSliced: the list must be the last key of the view');
  const pad = ' '.repeat(indent * 2);
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % slice === 0) await yieldTurn();
    const s = JSON.stringify(fill(items[i]), null, indent);
    parts.push(indent > 0 ? pad + s.replace(/\n/g, `\n${pad}`) : s);
  }
  const list = indent > 0 ? `[\n${parts.join(',\n')}\n${' '.repeat(indent)}]` : `[${parts.join(',')}]`;
  return base.slice(0, base.length - tail.length - 2) + list + tail;
}
