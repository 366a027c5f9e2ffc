import { connect, type Socket } from 'node:net';

/** A raw TCP peer for protocol-level tests: write bytes, read what the server sends back. */
export class RawConn {
  private data = Buffer.alloc(0);
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.data = Buffer.concat([this.data, d])));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawConn(s)));
      s.once('error', reject);
    });
  }

  write(s: string | Buffer): void {
    this.socket.write(s);
  }

  text(): string {
    return this.data.toString('latin1');
  }

  /** Takes and clears everything received so far. */
  drain(): string {
    const t = this.text();
    this.data = Buffer.alloc(0);
    return t;
  }

  /** Waits until the received text matches, or `ms` passes (generous: a loaded machine answers late, not never). */
  async waitFor(re: RegExp, ms = 10_000): Promise<string> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (re.test(this.text())) return this.text();
      if (this.closed) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (re.test(this.text())) return this.text();
    throw new Error(`expected ${re} but got ${JSON.stringify(this.text())}`);
  }

  async waitClosed(ms = 10_000): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.closed) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
