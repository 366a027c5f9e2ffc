/**
 * Outbound chunks: frames of every size (within a chunk, across chunk ends, larger than a 64 KiB
 * chunk), protocol text and in-place writes (ensure/buf/len, as routes write RMSG) reach the
 * peer byte for byte, over a real loopback socket, in one batch and in many batches whose chunks
 * are recycled in between.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { Outbound } from './outbound.js';

async function socketPair(): Promise<{ a: Socket; b: Socket; close: () => void }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const a = connect(port, '127.0.0.1');
  await new Promise<void>((r) => a.once('connect', () => r()));
  const b = await accepted;
  return {
    a,
    b,
    close: () => {
      a.destroy();
      b.destroy();
      server.close();
    },
  };
}

/** Reads from `s` until `n` bytes arrived (bounded by a generous timeout). */
function readBytes(s: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const t = setTimeout(() => reject(new Error(`got ${got} of ${n} bytes`)), 20_000);
    const onData = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= n) {
        clearTimeout(t);
        s.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    s.on('data', onData);
  });
}

function payload(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 33 + ((i * 7 + seed) % 90);
  return b;
}

test('frames of every size, text and in-place writes arrive intact, batch after batch', async () => {
  const { a, b, close } = await socketPair();
  try {
    const out = new Outbound();
    const sizes = [0, 1, 16, 63, 64, 500, 1024, 4000, 4096, 60_000, 65_536, 70_000, 200_000];
    for (let batch = 0; batch < 6; batch++) {
      const expected: Buffer[] = [];
      for (let k = 0; k < 3; k++) {
        for (const [i, n] of sizes.entries()) {
          const p = payload(n + 10, i + batch);
          // the message is p[5, 5 + n): offsets inside a larger buffer, as the parser hands them over
          const reply = i % 2 === 0 ? '' : `_INBOX.r${i}`;
          out.frame(false, `sub.${i}`, `${k}`, reply, -1, p, 5, 5 + n);
          expected.push(Buffer.from(`MSG sub.${i} ${k} ${reply ? reply + ' ' : ''}${n}\r\n`), p.subarray(5, 5 + n), Buffer.from('\r\n'));
          const hdr = Buffer.from('NATS/1.0\r\n\r\n');
          const hp = Buffer.concat([hdr, p.subarray(0, n)]);
          out.frame(true, 'h', '9', '', hdr.length, hp, 0, hp.length);
          expected.push(Buffer.from(`HMSG h 9 ${hdr.length} ${hp.length}\r\n`), hp, Buffer.from('\r\n'));
        }
        out.writeLatin1('PING\r\n');
        expected.push(Buffer.from('PING\r\n'));
        const text = `-ERR '${'x'.repeat(40)}'\r\n`;
        out.writeLatin1(text);
        expected.push(Buffer.from(text));
        // in place, as a connection kind writes its own frames
        out.ensure(8);
        const o = out.len;
        out.buf.write('RS+ a b\n', o, 'latin1');
        out.len = o + 8;
        expected.push(Buffer.from('RS+ a b\n'));
        const big = payload(100_000, batch);
        out.writeBytes(big, 3, 99_000);
        expected.push(big.subarray(3, 99_000));
      }
      const want = Buffer.concat(expected);
      assert.equal(out.size, want.length);
      const reading = readBytes(b, want.length);
      assert.equal(out.writeTo(a), want.length);
      assert.equal(out.size, 0);
      assert.equal(out.writeTo(a), 0, 'nothing left to write');
      const got = await reading;
      assert.equal(got.length, want.length);
      assert.ok(got.equals(want), `batch ${batch}: bytes differ`);
    }
  } finally {
    close();
  }
});

test('small flushes reuse chunks once their writes completed, without mixing up bytes', async () => {
  const { a, b, close } = await socketPair();
  try {
    const out = new Outbound();
    const want: Buffer[] = [];
    let total = 0;
    const parts: Buffer[] = [];
    b.on('data', (d: Buffer) => parts.push(d));
    for (let i = 0; i < 2000; i++) {
      const p = payload(i % 300, i);
      out.frame(false, 'r', String(i), '', -1, p, 0, p.length);
      const line = Buffer.concat([Buffer.from(`MSG r ${i} ${p.length}\r\n`), p, Buffer.from('\r\n')]);
      want.push(line);
      total += line.length;
      out.writeTo(a);
      // let some writes complete (and their chunks return to the pool) between flushes
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const deadline = Date.now() + 20_000;
    while (parts.reduce((n, d) => n + d.length, 0) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(Buffer.concat(parts).equals(Buffer.concat(want)));
  } finally {
    close();
  }
});
