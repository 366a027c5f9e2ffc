import type { Socket } from 'node:net';

/**
 * A connection's outbound byte queue, as pooled fixed-size chunks (nats-server's outbound:
 * 512 B / 4 KiB / 64 KiB). Protocol lines and message copies are appended to the chunk being
 * filled (`buf[0, len)`); a chunk that cannot take the next append is sealed and a fresh one
 * taken from the pool. A flush hands every queued chunk to the socket in one vectored write,
 * and each chunk goes back to the pool once the socket reports its write complete: no
 * per-flush allocation of a large buffer, no second copy of the queued bytes.
 *
 * Appending by hand (route and gateway frames): `ensure(n)`, then write `buf[len, len + n)`
 * and set `len` to the new end. `len` is the fill of the current chunk; `size` is the total.
 */
const SMALL = 512;
const MEDIUM = 4096;
const LARGE = 64 * 1024;

/** Free chunks per size class, shared by every connection; bounded so idle memory stays low. */
class ChunkPool {
  private readonly small: Buffer[] = [];
  private readonly medium: Buffer[] = [];
  private readonly large: Buffer[] = [];

  get(size: number): Buffer {
    if (size <= SMALL) return this.small.pop() ?? Buffer.allocUnsafe(SMALL);
    if (size <= MEDIUM) return this.medium.pop() ?? Buffer.allocUnsafeSlow(MEDIUM);
    if (size <= LARGE) return this.large.pop() ?? Buffer.allocUnsafeSlow(LARGE);
    return Buffer.allocUnsafeSlow(size); // one oversized frame (a large message written in one piece)
  }

  put(b: Buffer): void {
    const n = b.length;
    if (n === LARGE) {
      if (this.large.length < 64) this.large.push(b);
    } else if (n === MEDIUM) {
      if (this.medium.length < 256) this.medium.push(b);
    } else if (n === SMALL) {
      if (this.small.length < 1024) this.small.push(b);
    }
  }
}

const pool = new ChunkPool();
const EMPTY = Buffer.alloc(0);

export class Outbound {
  /** The chunk being filled; `buf[0, len)` is queued. Empty until something is appended. */
  buf: Buffer = EMPTY;
  len = 0;
  /** Sealed chunks ahead of `buf` (oldest first), their fills, and their byte count. */
  private readonly sealed: Buffer[] = [];
  private readonly fills: number[] = [];
  private sealedBytes = 0;
  /** Chunks handed to the socket, in write order; each returns to the pool when its write completes. */
  private readonly inflight: Buffer[] = [];
  /** Size class of the next chunk: follows how much the last flush carried. */
  private nextSize = SMALL;
  /** Set on close: chunks still in flight are left to the GC, never reused. */
  private dropped = false;

  /** Bytes queued and not yet handed to the socket. */
  get size(): number {
    return this.sealedBytes + this.len;
  }

  /** Makes room for `n` more contiguous bytes at `buf[len]`. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.grow(n);
  }

  private grow(n: number): void {
    if (this.len > 0) {
      this.sealed.push(this.buf);
      this.fills.push(this.len);
      this.sealedBytes += this.len;
      // A batch that spans chunks takes larger ones from here on.
      if (this.nextSize < LARGE) this.nextSize = this.nextSize === SMALL ? MEDIUM : LARGE;
    } else if (this.buf !== EMPTY) {
      pool.put(this.buf);
    }
    this.buf = pool.get(Math.max(n, this.nextSize));
    this.len = 0;
  }

  /** Appends src[start, end), filling the current chunk and continuing in fresh ones. */
  writeBytes(src: Buffer, start: number, end: number): void {
    let n = end - start;
    if (n < 32 && this.len + n <= this.buf.length) {
      const b = this.buf;
      let o = this.len;
      for (let i = start; i < end; i++) b[o++] = src[i];
      this.len = o;
      return;
    }
    while (n > 0) {
      let room = this.buf.length - this.len;
      if (room === 0) {
        this.grow(Math.min(n, LARGE));
        room = this.buf.length;
      }
      const k = n < room ? n : room;
      src.copy(this.buf, this.len, start, start + k);
      this.len += k;
      start += k;
      n -= k;
    }
  }

  writeLatin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n < 16) {
      const b = this.buf;
      let o = this.len;
      for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
    } else {
      this.buf.latin1Write(s, this.len, n);
    }
    this.len += n;
  }

  /**
   * Appends one `MSG`/`HMSG` frame: the control line and the message bytes buf[from, end).
   * Runs once per delivery: one size check, then plain stores. The line's parts around the sid
   * come from `lineParts`, built once per message and reused for every subscriber of a fan-out.
   * A frame larger than the chunk room left gets its control line there and its payload spread
   * over further chunks.
   */
  frame(hmsg: boolean, subject: string, sid: string, reply: string, hdr: number, buf: Buffer, from: number, end: number): void {
    const size = end - from;
    const lp = lineParts(hmsg, subject, reply, hdr, size);
    const pre = lp.pre;
    const preLen = lp.preLen;
    const post = lp.post;
    const postLen = lp.postLen;
    const head = preLen + sid.length + postLen;
    const whole = head + size + 2 <= LARGE;
    this.ensure(whole ? head + size + 2 : head);
    const b = this.buf;
    let o = this.len;
    for (let i = 0; i < preLen; i++) b[o++] = pre[i];
    o = putLatin1(b, o, sid);
    for (let i = 0; i < postLen; i++) b[o++] = post[i];
    if (!whole) {
      this.len = o;
      this.writeBytes(buf, from, end);
      this.ensure(2);
      this.buf[this.len++] = 13;
      this.buf[this.len++] = 10;
      return;
    }
    if (size < 64) for (let i = from; i < end; i++) b[o++] = buf[i];
    else o += buf.copy(b, o, from, end);
    b[o++] = 13;
    b[o++] = 10;
    this.len = o;
  }

  /**
   * Hands every queued byte to `socket` in one write (several chunks: corked, so the stream
   * makes one writev of them) and empties the queue. Returns the number of bytes handed over.
   */
  writeTo(socket: Socket): number {
    const total = this.sealedBytes + this.len;
    if (total === 0) return 0;
    const sealed = this.sealed;
    const many = sealed.length > 0;
    if (many) socket.cork();
    for (let i = 0; i < sealed.length; i++) this.handOver(socket, sealed[i], this.fills[i]);
    if (this.len > 0) this.handOver(socket, this.buf, this.len);
    if (many) socket.uncork();
    sealed.length = 0;
    this.fills.length = 0;
    this.sealedBytes = 0;
    this.buf = EMPTY;
    this.len = 0;
    this.nextSize = total <= SMALL ? SMALL : total <= MEDIUM ? MEDIUM : LARGE;
    return total;
  }

  private handOver(socket: Socket, chunk: Buffer, fill: number): void {
    this.inflight.push(chunk);
    socket.write(fill === chunk.length ? chunk : chunk.subarray(0, fill), this.written);
  }

  /** A write finished (the stream calls back in write order): its chunk may be reused. */
  private readonly written = (err?: Error | null): void => {
    const chunk = this.inflight.shift();
    if (chunk !== undefined && !err && !this.dropped) pool.put(chunk);
  };

  /** Drops what is queued (closing); chunks still being written are not reused. */
  reset(): void {
    this.dropped = true;
    for (const c of this.sealed) pool.put(c);
    if (this.buf !== EMPTY) pool.put(this.buf);
    this.sealed.length = 0;
    this.fills.length = 0;
    this.sealedBytes = 0;
    this.buf = EMPTY;
    this.len = 0;
  }
}

/**
 * The bytes of a MSG/HMSG control line before the sid (`MSG <subject> `) and after it
 * (`[reply ][hdr ]<size>\r\n`), for the message being delivered: rebuilt only when a part
 * changes, so a fan-out encodes the subject and sizes once, not once per subscriber.
 */
class LineParts {
  hmsg = false;
  subject = '';
  reply = '';
  hdr = -1;
  size = -1;
  pre = Buffer.allocUnsafeSlow(256);
  preLen = 0;
  post = Buffer.allocUnsafeSlow(256);
  postLen = 0;
}

const parts = new LineParts();

function lineParts(hmsg: boolean, subject: string, reply: string, hdr: number, size: number): LineParts {
  const lp = parts;
  if (lp.subject === subject && lp.reply === reply && lp.size === size && lp.hdr === hdr && lp.hmsg === hmsg) return lp;
  if (subject.length + 8 > lp.pre.length) lp.pre = Buffer.allocUnsafeSlow(subject.length + 64);
  if (reply.length + 48 > lp.post.length) lp.post = Buffer.allocUnsafeSlow(reply.length + 64);
  const pre = lp.pre;
  let o = 0;
  if (hmsg) pre[o++] = 72; // H
  pre[o++] = 77; // M
  pre[o++] = 83; // S
  pre[o++] = 71; // G
  pre[o++] = 32;
  o = putLatin1(pre, o, subject);
  pre[o++] = 32;
  lp.preLen = o;
  const post = lp.post;
  o = 0;
  post[o++] = 32;
  if (reply.length > 0) {
    o = putLatin1(post, o, reply);
    post[o++] = 32;
  }
  if (hmsg) {
    o = putInt(post, o, hdr);
    post[o++] = 32;
  }
  o = putInt(post, o, size);
  post[o++] = 13;
  post[o++] = 10;
  lp.postLen = o;
  lp.hmsg = hmsg;
  lp.subject = subject;
  lp.reply = reply;
  lp.hdr = hdr;
  lp.size = size;
  return lp;
}

/** Writes a short latin1 string at `o` (a byte loop below 25 chars); returns the end offset. */
export function putLatin1(b: Buffer, o: number, s: string): number {
  const n = s.length;
  if (n > 24) return o + b.latin1Write(s, o, n);
  for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
  return o;
}

/** Writes a non-negative integer's decimal digits at `o`; returns the end offset. */
export function putInt(b: Buffer, o: number, v: number): number {
  if (v < 10) {
    b[o] = 48 + v;
    return o + 1;
  }
  let digits = 0;
  for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
  let p = o + digits;
  for (let x = v; x > 0; x = Math.floor(x / 10)) b[--p] = 48 + (x % 10);
  return o + digits;
}
