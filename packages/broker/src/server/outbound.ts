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

  /** Writes a non-negative integer in decimal. */
  writeInt(v: number): void {
    this.ensure(16);
    const b = this.buf;
    if (v === 0) {
      b[this.len++] = 48;
      return;
    }
    let digits = 0;
    for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
    let o = this.len + digits;
    this.len = o;
    for (let x = v; x > 0; x = Math.floor(x / 10)) b[--o] = 48 + (x % 10);
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.len++] = c;
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
