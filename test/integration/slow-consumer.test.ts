/**
 * Slow consumers: a raw-socket subscriber stops reading while a publisher floods. The server cuts
 * it (no -ERR, as nats-server 2.9.10), counts it, logs it, keeps its memory bounded, and healthy
 * subscribers keep receiving everything.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import type { ClientConnection, Switchboard } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

const MB = 1024 * 1024;

/** A raw subscriber on `subject` that has seen its PONG, then stops reading. */
async function stalledSubscriber(port: number, name: string, subject: string): Promise<RawConn> {
  const raw = await RawConn.open(port);
  await raw.waitFor(/^INFO .*\r\n/);
  raw.write(`CONNECT {"verbose":false,"pedantic":false,"name":"${name}"}\r\nSUB ${subject} 1\r\nPING\r\n`);
  await raw.waitFor(/PONG\r\n/);
  raw.drain();
  raw.socket.pause();
  return raw;
}

function clientNamed(server: Switchboard, name: string): ClientConnection | undefined {
  for (const c of server.clients.values()) if (c.opts.name === name) return c;
  return undefined;
}

/** Counts messages on `subject` with a nats.js subscriber. */
async function counter(servers: string, subject: string): Promise<{ nc: NatsConnection; count: () => number; bytes: () => number }> {
  const nc = await connect({ servers, reconnect: false });
  let n = 0;
  let b = 0;
  nc.subscribe(subject, {
    callback: (_e, m) => {
      n++;
      b += m.data.length;
    },
  });
  await nc.flush();
  return { nc, count: () => n, bytes: () => b };
}

describe('slow consumers', () => {
  test('a subscriber that stops reading is cut at max_pending; others get everything', async () => {
    const maxPending = 2 * MB;
    const { server, url, port, lines } = await startEmbedded({ maxPending });
    const conns: NatsConnection[] = [];
    let raw: RawConn | undefined;
    try {
      raw = await stalledSubscriber(port, 'slowpoke', 'flood');
      const slow = clientNamed(server, 'slowpoke');
      assert.ok(slow, 'server knows the slow client');
      const slowCid = slow.cid;
      const healthy = [await counter(url, 'flood'), await counter(url, 'flood')];
      conns.push(...healthy.map((h) => h.nc));
      // Fan-in: several producers. (A single producer is throttled by the fast-producer stall and
      // would hit the write deadline first, as with nats-server.)
      const pubs: NatsConnection[] = [];
      for (let i = 0; i < 4; i++) pubs.push(await connect({ servers: url, reconnect: false }));
      conns.push(...pubs);
      const pub = pubs[0];

      const payload = new Uint8Array(32 * 1024).fill(120);
      const heapBefore = process.memoryUsage().heapUsed;
      let published = 0;
      let maxSeen = 0;
      // Bounded flood: at most 8000 × 32 KiB = 250 MiB, stopping as soon as the cut happened.
      const flood = async (p: NatsConnection) => {
        while (server.stats.slowConsumers === 0 && published < 8000) {
          for (let k = 0; k < 16; k++) {
            p.publish('flood', payload);
            published++;
          }
          await p.flush();
          if (!slow.closed) maxSeen = Math.max(maxSeen, slow.pendingBytes);
        }
      };
      await Promise.all(pubs.map(flood));
      assert.equal(server.stats.slowConsumers, 1, `cut after ${published} messages`);
      assert.ok(slow.closed, 'slow client closed');
      assert.equal(slow.closeReason, 'Slow Consumer (Pending Bytes)');
      // What the server held for it never went far past the limit (one message over at most).
      assert.ok(maxSeen <= maxPending + payload.length + 1024, `pending peaked at ${maxSeen}`);
      // The server's own memory did not balloon with the flood (a loose bound: no unbounded queue).
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      assert.ok(heapGrowth < 64 * MB, `heap grew by ${heapGrowth}`);

      // The subscriber sees its socket closed, with no -ERR before it (nats-server 2.9.10 sends none).
      raw.socket.resume();
      assert.ok(await raw.waitClosed(30_000), 'raw subscriber saw the close');
      assert.doesNotMatch(raw.text(), /-ERR/);

      // The log names the connection by cid and name, in nats-server's words.
      const line = lines.find((l) => l.includes('Slow Consumer Detected'));
      assert.ok(line, 'slow consumer log line');
      assert.match(line, new RegExp(`\\[INF\\] 127\\.0\\.0\\.1:\\d+ - cid:${slowCid} - "slowpoke" - Slow Consumer Detected: MaxPending of ${maxPending} Exceeded`));

      // Healthy subscribers got every message, and the publisher is still fine.
      await waitFor(() => healthy.every((h) => h.count() === published), 20_000, 'healthy subscribers caught up');
      for (const h of healthy) assert.equal(h.bytes(), published * payload.length);
      assert.ok(pubs.every((p) => !p.isClosed()));
      // The closed connection is on record.
      const rec = server.monitor.closed.find((c) => c.cid === slowCid);
      assert.equal(rec?.reason, 'Slow Consumer (Pending Bytes)');
    } finally {
      raw?.close();
      await Promise.all(conns.map((c) => c.close().catch(() => {})));
      await server.shutdown();
    }
  });

  test('a subscriber whose socket write does not complete within write_deadline is cut', async () => {
    // A large max_pending, so only the write deadline can trigger.
    const { server, url, port, lines } = await startEmbedded({ maxPending: 512 * MB, writeDeadline: 300 });
    const conns: NatsConnection[] = [];
    let raw: RawConn | undefined;
    try {
      raw = await stalledSubscriber(port, 'stuck', 'wd');
      const stuck = clientNamed(server, 'stuck');
      assert.ok(stuck);
      const healthy = await counter(url, 'wd');
      conns.push(healthy.nc);
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(pub);
      const payload = new Uint8Array(64 * 1024).fill(121);
      let published = 0;
      // Fill the kernel buffers so a write stays incomplete, then wait for the deadline.
      while (!stuck.closed && published < 4000) {
        for (let k = 0; k < 16; k++) {
          pub.publish('wd', payload);
          published++;
        }
        await pub.flush();
        if (stuck.socket.writableLength > 0) break;
      }
      assert.ok(stuck.closed || stuck.socket.writableLength > 0, 'server has unwritten bytes for the stuck client');
      await waitFor(() => stuck.closed, 5000, 'write deadline cut');
      assert.equal(stuck.closeReason, 'Slow Consumer (Write Deadline)');
      assert.equal(server.stats.slowConsumers, 1);
      assert.ok(lines.some((l) => new RegExp(`cid:${stuck.cid} - "stuck" - Slow Consumer Detected: WriteDeadline of 300ms exceeded`).test(l)), 'write deadline log line');
      raw.socket.resume();
      assert.ok(await raw.waitClosed(5000));
      await waitFor(() => healthy.count() === published, 20_000, 'healthy subscriber caught up');
    } finally {
      raw?.close();
      await Promise.all(conns.map((c) => c.close().catch(() => {})));
      await server.shutdown();
    }
  });

  test('a slow reader that keeps making progress outlives the write deadline', async () => {
    // Deadline 1 s; the reader takes a sip (1 MiB) every 100 ms, so its socket never empties but
    // every deadline period sees bytes leave. nats-server's deadline is per blocked write. On a busy
    // machine the sips may stall; a cut is then right only if no bytes moved for a whole deadline.
    const deadline = 1000;
    const { server, url, port } = await startEmbedded({ maxPending: 512 * MB, writeDeadline: deadline });
    const conns: NatsConnection[] = [];
    let raw: RawConn | undefined;
    let sipper: NodeJS.Timeout | undefined;
    try {
      raw = await stalledSubscriber(port, 'sipper', 'sip');
      const slow = clientNamed(server, 'sipper');
      assert.ok(slow);
      const r = raw;
      // Each sip reads at least 1 MiB (then pauses): a sip of a few KiB would not free enough of
      // the server's kernel send buffer to make its socket writable again, so the server would
      // rightly see no progress. The RawConn's copy is dropped at once (no quadratic growth).
      const reads: number[] = [];
      let sipped = 0;
      let total = 0;
      r.socket.on('data', (d: Buffer) => {
        reads.push(Date.now());
        r.drain();
        sipped += d.length;
        total += d.length;
        if (sipped >= MB) r.socket.pause();
      });
      sipper = setInterval(() => {
        sipped = 0;
        r.socket.resume();
      }, 100);
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(pub);
      const payload = new Uint8Array(64 * 1024);
      const until = Date.now() + 1500;
      let sawBacklog = false;
      for (let i = 0; i < 2000 && Date.now() < until && !slow.closed; i++) {
        pub.publish('sip', payload);
        if (i % 8 === 7) await pub.flush();
        if (slow.socket.writableLength > 0 || slow.pendingBytes > 0) sawBacklog = true;
      }
      assert.ok(sawBacklog, 'the server had a backlog for the slow reader');
      // The reader sips its way through 3 deadlines' worth of its pace (10 MiB/s) while the
      // backlog lasts, or is cut trying.
      const before = total;
      await waitFor(() => slow.closed || total - before >= 30 * MB || slow.pendingBytes + slow.socket.writableLength === 0, 60_000, 'the reader sipping for three deadlines');
      if (slow.closed) {
        // Only acceptable if the reader really went a whole deadline without reading.
        const end = slow.stop!.getTime();
        const times = reads.filter((t) => t <= end);
        let maxGap = 0;
        for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i] - times[i - 1]);
        maxGap = Math.max(maxGap, end - (times.at(-1) ?? end));
        assert.ok(maxGap >= deadline, `cut as ${slow.closeReason} although it read at least every ${maxGap} ms`);
      } else {
        assert.equal(server.stats.slowConsumers, 0);
      }
    } finally {
      if (sipper) clearInterval(sipper);
      raw?.close();
      await Promise.all(conns.map((c) => c.close().catch(() => {})));
      await server.shutdown();
    }
  });

  test('a reader that keeps up is never cut, even with a small max_pending', async () => {
    const { server, url } = await startEmbedded({ maxPending: 1 * MB });
    const conns: NatsConnection[] = [];
    try {
      const h = await counter(url, 'steady');
      conns.push(h.nc);
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(pub);
      const payload = new Uint8Array(8 * 1024);
      const N = 4000; // 32 MiB through a 1 MiB limit
      for (let i = 0; i < N; i++) {
        pub.publish('steady', payload);
        if (i % 64 === 63) await pub.flush();
      }
      await pub.flush();
      await waitFor(() => h.count() === N, 20_000, 'all delivered');
      assert.equal(server.stats.slowConsumers, 0);
    } finally {
      await Promise.all(conns.map((c) => c.close().catch(() => {})));
      await server.shutdown();
    }
  });
});
