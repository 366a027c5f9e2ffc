/**
 * A connection's outbound byte queue. Protocol lines and message copies are appended into one
 * staging Buffer; the owner flushes it once per event-loop turn with a single socket write.
 */
const INITIAL = 4096;
const HANDOFF = 16 * 1024;

export class Outbound {
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  len = 0;

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  writeBytes(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 32) {
      const b = this.buf;
      let o = this.len;
      for (let i = start; i < end; i++) b[o++] = src[i];
    } else {
      src.copy(this.buf, this.len, start, end);
    }
    this.len += n;
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
   * Sized once up front, written with plain stores: this runs once per delivery.
   */
  frame(hmsg: boolean, subject: string, sid: string, reply: string, hdr: number, buf: Buffer, from: number, end: number): void {
    const size = end - from;
    this.ensure(5 + subject.length + sid.length + reply.length + 30 + size);
    const b = this.buf;
    let o = this.len;
    if (hmsg) b[o++] = 72; // H
    b[o++] = 77; // M
    b[o++] = 83; // S
    b[o++] = 71; // G
    b[o++] = 32;
    o = putLatin1(b, o, subject);
    b[o++] = 32;
    o = putLatin1(b, o, sid);
    b[o++] = 32;
    if (reply.length > 0) {
      o = putLatin1(b, o, reply);
      b[o++] = 32;
    }
    if (hmsg) {
      o = putInt(b, o, hdr);
      b[o++] = 32;
    }
    o = putInt(b, o, size);
    b[o++] = 13;
    b[o++] = 10;
    if (size < 64) for (let i = from; i < end; i++) b[o++] = buf[i];
    else o += buf.copy(b, o, from, end);
    b[o++] = 13;
    b[o++] = 10;
    this.len = o;
  }

  /** Takes the queued bytes as one Buffer for the socket and empties the queue. */
  take(): Buffer | null {
    const n = this.len;
    if (n === 0) return null;
    this.len = 0;
    if (n >= HANDOFF) {
      // Hand the staging buffer itself to the socket and start a fresh one.
      const out = this.buf.subarray(0, n);
      this.buf = Buffer.allocUnsafe(this.buf.length);
      return out;
    }
    return Buffer.from(this.buf.subarray(0, n));
  }

  reset(): void {
    this.len = 0;
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(INITIAL);
  }
}

function putLatin1(b: Buffer, o: number, s: string): number {
  const n = s.length;
  if (n > 24) return o + b.latin1Write(s, o, n);
  for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
  return o;
}

function putInt(b: Buffer, o: number, v: number): number {
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
