/**
 * Rendering a large monitoring view without holding the event loop. Every step over the whole
 * data — collecting the snapshot, choosing the page, building and serializing its entries — runs
 * in time-budgeted slices with a turn of the event loop between them, so message delivery goes on
 * while /connz?subs=detail or /subsz?subs=1 is being rendered over thousands of connections. The
 * document comes out as a sequence of UTF-8 chunks (one per slice) that the HTTP layer writes as
 * they come; joined, they equal JSON.stringify of the whole view.
 */

/** Work per event-loop turn: a slice ends once it has run this long. */
export const SLICE_MS = 1;

/**
 * The pause between two slices: a timer, not setImmediate. Deliveries waiting on I/O run in the
 * pause either way; with a timer the process also sleeps when nothing else is to be done, so a
 * rendering takes about half of a core rather than all of it — on a busy machine the OS then
 * still wakes the broker promptly for its clients (measured: canary p50 lower than with
 * setImmediate; see docs/perf). A rendering takes longer in wall time; monitoring can wait.
 */
export const PAUSE_MS = 1;

/** A pause of the event loop's work on a rendering (I/O callbacks, deliveries included, run before it resolves). */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));

/** A time budget for sliced work: `due()` says when the current slice has used its time. */
export class Slicer {
  private start = performance.now();
  private n = 0;

  /** `every`: how many calls of `due()` between two reads of the clock (1 for costly steps). */
  constructor(private readonly every = 8) {}

  /** True when the slice has run SLICE_MS; the caller then yields (`yield()`). */
  due(): boolean {
    if (++this.n % this.every !== 0) return false;
    return performance.now() - this.start >= SLICE_MS;
  }

  async yield(): Promise<void> {
    await yieldTurn();
    this.start = performance.now();
  }
}

/** A document as UTF-8 chunks. */
export type Chunks = AsyncIterable<Buffer>;

/** Bytes of a chunk buffer (a slice's text is written straight into it, never joined as a string). */
const CHUNK_BYTES = 64 * 1024;

/** Text written into Buffers of CHUNK_BYTES; `take` hands over what was written so far. */
class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private readonly full: Buffer[] = [];

  write(text: string): void {
    // At most 3 bytes per UTF-16 unit.
    if (this.pos + text.length * 3 > this.buf.length) {
      if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3));
      this.pos = 0;
    }
    this.pos += this.buf.write(text, this.pos);
  }

  /** What was written since the last take: the filled buffers, then the current one's written part (nothing is copied). */
  take(): Buffer[] {
    const out = this.full.splice(0);
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    // The rest of the buffer is written on from here: the Buffers handed out stay as they are.
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 1024) this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    return out;
  }
}

/**
 * JSON.stringify(view, null, indent) as chunks, where the view's last key holds
 * `items.map(fill)`: `head` is the view with that key set to an empty array. Each entry is built
 * and serialized on its own (at the depth, and so with the indentation, it has in the view) and
 * its text encoded straight into chunk buffers; a slice ends when its time is used, its bytes
 * going out as they are (one or a few chunks).
 */
export async function* renderChunks<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): AsyncGenerator<Buffer> {
  const base = JSON.stringify(head, null, indent);
  if (items.length === 0) {
    yield Buffer.from(base);
    return;
  }
  const tail = indent > 0 ? '\n}' : '}';
  if (!base.endsWith(`[]${tail}`)) throw new Error('renderChunks: the list must be the last key of the view');
  // An entry is serialized as the only element of a one-key object's list: it comes out at the
  // depth it has in the view; the wrapper's text around it is cut off.
  const prefix = indent > 0 ? `{\n${' '.repeat(indent)}"l": [\n` : '{"l":[';
  const suffix = indent > 0 ? `\n${' '.repeat(indent)}]\n}` : ']}';
  const sep = indent > 0 ? ',\n' : ',';
  const out = new ChunkWriter();
  // Up to and including the list's '['.
  out.write(base.slice(0, base.length - tail.length - 1) + (indent > 0 ? '\n' : ''));
  const wrapper: { l: unknown[] } = { l: [null] };
  const slicer = new Slicer(1);
  for (let i = 0; i < items.length; i++) {
    if (slicer.due()) {
      yield* out.take();
      await slicer.yield();
    }
    wrapper.l[0] = fill(items[i]);
    const s = JSON.stringify(wrapper, null, indent);
    if (i > 0) out.write(sep);
    out.write(s.slice(prefix.length, s.length - suffix.length));
  }
  out.write(indent > 0 ? `\n${' '.repeat(indent)}]${tail}` : `]${tail}`);
  yield* out.take();
}

/** All the chunks as one Buffer. */
export async function collectChunks(chunks: Chunks): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** JSON.stringify(head with the list filled) as one Buffer (renderChunks, collected). */
export async function renderSlicedBuffer<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): Promise<Buffer> {
  return collectChunks(renderChunks(head, items, fill, indent));
}

/** renderSlicedBuffer as text. */
export async function renderSliced<T>(head: object, items: readonly T[], fill: (item: T) => unknown, indent = 0): Promise<string> {
  return (await renderSlicedBuffer(head, items, fill, indent)).toString('utf8');
}

/**
 * A rendering in progress, replayed to every reader: the chunks made so far, then the rest as
 * they come. The rendering runs at its own pace (its chunks are kept until the last reader is
 * done with them).
 */
class Replay {
  private readonly chunks: Buffer[] = [];
  private done = false;
  private failed = false;
  private error: unknown;
  private waiters: Array<() => void> = [];

  constructor(source: Chunks, onEnd: () => void) {
    void this.pump(source, onEnd);
  }

  private async pump(source: Chunks, onEnd: () => void): Promise<void> {
    try {
      for await (const c of source) {
        this.chunks.push(c);
        this.wake();
      }
    } catch (e) {
      this.failed = true;
      this.error = e;
    } finally {
      this.done = true;
      onEnd();
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async *read(): AsyncGenerator<Buffer> {
    let i = 0;
    for (;;) {
      while (i < this.chunks.length) yield this.chunks[i++];
      if (this.failed) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/**
 * Renderings shared by identical requests: a request that asks what a rendering in progress is
 * already answering reads that rendering (from its first chunk) instead of starting another. A
 * request after it finished starts a new one, so an answer is never older than one rendering.
 */
export class SharedRenders {
  private readonly inFlight = new Map<string, Promise<Replay>>();

  /** `plan` validates and snapshots (it may throw, e.g. MonitorError) and returns the chunks to render. */
  render(key: string, plan: () => Promise<Chunks>): Promise<Chunks> {
    let replay = this.inFlight.get(key);
    if (replay === undefined) {
      const started = plan().then((chunks) => new Replay(chunks, () => this.inFlight.delete(key)));
      // A plan that failed is not shared with later requests.
      started.catch(() => this.inFlight.delete(key));
      this.inFlight.set(key, started);
      replay = started;
    }
    return replay.then((r) => r.read());
  }

  /** Renderings in progress (for tests). */
  get size(): number {
    return this.inFlight.size;
  }
}

/**
 * Steps of work over the whole data, written once as a generator that yields after each unit
 * (one connection, one subscription): `runSync` runs them in one go (the $SYS request handlers,
 * the synchronous views), `runSliced` in time-budgeted slices.
 */
export type Steps<T> = Generator<void, T, void>;

export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runSliced<T>(steps: Steps<T>, slicer = new Slicer(16)): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (slicer.due()) await slicer.yield();
  }
}
