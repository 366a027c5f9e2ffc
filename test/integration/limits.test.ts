/**
 * Limits and keep-alive: max_connections, many connections, max_payload, max_control_line,
 * server PINGs and stale connections, many subscriptions.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import { startEmbedded, startProcess, natsServerAvailable, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

function infoOf(text: string): Record<string, unknown> {
  const m = /^INFO (\{.*\}) \r\n/.exec(text);
  assert.ok(m, `INFO line in ${JSON.stringify(text.slice(0, 200))}`);
  return JSON.parse(m[1]) as Record<string, unknown>;
}

async function closeAll(conns: NatsConnection[]): Promise<void> {
  await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close().catch(() => {}))));
}

describe('max_connections', () => {
  test('the connection over the limit gets INFO, then -ERR and a close; a freed slot is usable', async () => {
    const { server, port, lines } = await startEmbedded({ maxConnections: 3 });
    const raws: RawConn[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const r = await RawConn.open(port);
        raws.push(r);
        await r.waitFor(/^INFO /);
      }
      const over = await RawConn.open(port);
      raws.push(over);
      const text = await over.waitFor(/-ERR 'maximum connections exceeded'\r\n/);
      assert.match(text, /^INFO \{.*\} \r\n-ERR 'maximum connections exceeded'\r\n$/);
      assert.ok(await over.waitClosed(), 'closed after the error');
      assert.ok(lines.some((l) => l.includes('Maximum Connections Exceeded')));
      assert.equal(server.clients.size, 3);
      // The three admitted ones work.
      for (const r of raws.slice(0, 3)) {
        r.write('CONNECT {"verbose":false}\r\nPING\r\n');
        await r.waitFor(/PONG\r\n/);
      }
      // Free a slot: a new connection is admitted.
      raws[0].close();
      await waitFor(() => server.clients.size === 2, 3000, 'slot freed');
      const again = await RawConn.open(port);
      raws.push(again);
      again.write('CONNECT {"verbose":false}\r\nPING\r\n');
      await again.waitFor(/PONG\r\n/);
      assert.doesNotMatch(again.text(), /-ERR/);
    } finally {
      raws.forEach((r) => r.close());
      await server.shutdown();
    }
  });

  test('nats.js sees the error as a failed connect', async () => {
    const { server, url } = await startEmbedded({ maxConnections: 1 });
    const ok = await connect({ servers: url, reconnect: false });
    try {
      await assert.rejects(() => connect({ servers: url, reconnect: false, maxReconnectAttempts: 0 }), /maximum connections exceeded/i);
    } finally {
      await ok.close();
      await server.shutdown();
    }
  });
});

describe('many connections and subscriptions', () => {
  test('500 nats.js connections at once, each receives its own and the shared messages', async () => {
    const { server, url } = await startEmbedded();
    const N = 500;
    const conns: NatsConnection[] = [];
    // The server's own internal subscriptions (service imports, system handlers) are not ours.
    const base = server.globalAccount.sublist.size;
    try {
      const got = new Array<number>(N).fill(0);
      const made = await Promise.all(Array.from({ length: N }, () => connect({ servers: url, reconnect: false })));
      conns.push(...made);
      made.forEach((c, i) => {
        c.subscribe(`conn.${i}`, { callback: () => got[i]++ });
        c.subscribe('all', { callback: () => got[i]++ });
      });
      await Promise.all(made.map((c) => c.flush()));
      assert.equal(server.clients.size, N);
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(pub);
      for (let i = 0; i < N; i++) pub.publish(`conn.${i}`);
      pub.publish('all');
      await pub.flush();
      await waitFor(() => got.every((n) => n === 2), 10_000, 'every connection got 2 messages');
      // Closing them all leaves nothing behind.
      await closeAll(made);
      await waitFor(() => server.clients.size === 1, 10_000, 'connections gone');
      assert.equal(server.globalAccount.sublist.size, base);
    } finally {
      await closeAll(conns);
      await server.shutdown();
    }
  });

  test('10 000 subscriptions across 10 connections all match', async () => {
    const { server, url } = await startEmbedded();
    const conns: NatsConnection[] = [];
    const base = server.globalAccount.sublist.size;
    try {
      const C = 10;
      const PER = 1000;
      let got = 0;
      let wild = 0;
      for (let c = 0; c < C; c++) {
        const nc = await connect({ servers: url, reconnect: false });
        conns.push(nc);
        for (let s = 0; s < PER; s++) nc.subscribe(`many.${c}.${s}`, { callback: () => got++ });
        nc.subscribe(`many.${c}.*`, { callback: () => wild++ });
        await nc.flush();
      }
      assert.equal(server.globalAccount.sublist.size, base + C * PER + C);
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(pub);
      for (let c = 0; c < C; c++) for (let s = 0; s < PER; s++) pub.publish(`many.${c}.${s}`);
      await pub.flush();
      await waitFor(() => got === C * PER && wild === C * PER, 10_000, 'all 10 000 delivered twice');
      await closeAll(conns);
      await waitFor(() => server.globalAccount.sublist.size === base, 5000, 'subs removed');
    } finally {
      await closeAll(conns);
      await server.shutdown();
    }
  });
});

describe('max_payload', () => {
  const MAX = 64 * 1024;

  test('advertised in INFO; a PUB at the limit passes, one byte over is refused and closes', async () => {
    const { server, port } = await startEmbedded({ maxPayload: MAX });
    const raws: RawConn[] = [];
    try {
      const sub = await RawConn.open(port);
      raws.push(sub);
      assert.equal(infoOf(await sub.waitFor(/^INFO .*\r\n/)).max_payload, MAX);
      sub.write('CONNECT {"verbose":false}\r\nSUB big 1\r\nPING\r\n');
      await sub.waitFor(/PONG\r\n/);
      sub.drain();

      const pub = await RawConn.open(port);
      raws.push(pub);
      await pub.waitFor(/^INFO /);
      pub.write('CONNECT {"verbose":false}\r\n');
      const atLimit = Buffer.alloc(MAX, 0x61);
      pub.write(Buffer.concat([Buffer.from(`PUB big ${MAX}\r\n`), atLimit, Buffer.from('\r\nPING\r\n')]));
      await pub.waitFor(/PONG\r\n/);
      const got = await sub.waitFor(new RegExp(`MSG big 1 ${MAX}\\r\\n[a]{${MAX}}\\r\\n`), 5000);
      assert.equal(got.length, `MSG big 1 ${MAX}\r\n`.length + MAX + 2);

      // One byte over: refused before the payload is read.
      pub.write(`PUB big ${MAX + 1}\r\n`);
      await pub.waitFor(/-ERR 'Maximum Payload Violation'\r\n/);
      assert.ok(await pub.waitClosed());
      // HPUB counts the total size.
      const hp = await RawConn.open(port);
      raws.push(hp);
      hp.write(`CONNECT {"verbose":false,"headers":true}\r\nHPUB big 12 ${MAX + 1}\r\n`);
      await hp.waitFor(/-ERR 'Maximum Payload Violation'\r\n/);
      assert.ok(await hp.waitClosed());
    } finally {
      raws.forEach((r) => r.close());
      await server.shutdown();
    }
  });

  test('nats.js: payloads near a non-default max_payload arrive intact, bigger ones are refused by the client', async () => {
    const big = 4 * 1024 * 1024;
    const { server, url } = await startEmbedded({ maxPayload: big, maxPending: 64 * 1024 * 1024 });
    const conns: NatsConnection[] = [];
    try {
      const sub = await connect({ servers: url, reconnect: false });
      const pub = await connect({ servers: url, reconnect: false });
      conns.push(sub, pub);
      assert.equal(pub.info?.max_payload, big);
      const sizes = [big, big - 1, big - 4096, 1024 * 1024 + 1, 0];
      const received: Uint8Array[] = [];
      const s = sub.subscribe('near', { max: sizes.length, callback: (_e, m) => received.push(m.data) });
      await sub.flush();
      const payloads = sizes.map((n, k) => {
        const p = new Uint8Array(n);
        for (let i = 0; i < n; i += 997) p[i] = (i + k) & 0xff;
        return p;
      });
      for (const p of payloads) pub.publish('near', p);
      await pub.flush();
      await s.closed;
      assert.equal(received.length, sizes.length);
      received.forEach((r, k) => assert.ok(Buffer.from(r).equals(Buffer.from(payloads[k])), `payload ${k} (${sizes[k]} bytes) intact`));
      assert.throws(() => pub.publish('near', new Uint8Array(big + 1)), /MAX_PAYLOAD|max payload|payload/i);
    } finally {
      await closeAll(conns);
      await server.shutdown();
    }
  });
});

describe('max_control_line', () => {
  test('a control line over the limit gets -ERR and a close, also when it arrives in pieces', async () => {
    const { server, port } = await startEmbedded({ maxControlLine: 256 });
    const raws: RawConn[] = [];
    try {
      const ok = await RawConn.open(port);
      raws.push(ok);
      ok.write(`CONNECT {"verbose":false}\r\nSUB ${'a'.repeat(200)} 1\r\nPING\r\n`);
      await ok.waitFor(/PONG\r\n/);
      assert.doesNotMatch(ok.text(), /-ERR/);

      const long = await RawConn.open(port);
      raws.push(long);
      long.write(`CONNECT {"verbose":false}\r\nSUB ${'b'.repeat(300)} 1\r\n`);
      await long.waitFor(/-ERR 'maximum control line exceeded'\r\n/);
      assert.ok(await long.waitClosed());

      const pieces = await RawConn.open(port);
      raws.push(pieces);
      await pieces.waitFor(/^INFO /);
      pieces.write('CONNECT {"verbose":false}\r\nPUB ');
      for (let i = 0; i < 10 && !pieces.closed; i++) {
        pieces.write('c'.repeat(40));
        await new Promise((r) => setImmediate(r));
      }
      await pieces.waitFor(/-ERR 'maximum control line exceeded'\r\n/);
      assert.ok(await pieces.waitClosed());
    } finally {
      raws.forEach((r) => r.close());
      await server.shutdown();
    }
  });

  test('default limit is 4096', async () => {
    const { server, port } = await startEmbedded();
    const raw = await RawConn.open(port);
    try {
      raw.write(`CONNECT {"verbose":false}\r\nSUB ${'d'.repeat(4100)} 1\r\n`);
      await raw.waitFor(/-ERR 'maximum control line exceeded'\r\n/);
      assert.ok(await raw.waitClosed());
    } finally {
      raw.close();
      await server.shutdown();
    }
  });
});

describe('keep-alive', () => {
  const countPings = (t: string) => t.split('PING\r\n').length - 1;

  test('a client that never answers PING: -ERR Stale Connection after ping_max unanswered', async () => {
    const { server, port, lines } = await startEmbedded({ pingInterval: 200, pingMax: 2, debug: true });
    const raw = await RawConn.open(port);
    try {
      raw.write('CONNECT {"verbose":false,"name":"mute"}\r\n');
      const text = await raw.waitFor(/-ERR 'Stale Connection'\r\n/, 5000);
      assert.ok(await raw.waitClosed());
      const afterInfo = text.slice(text.indexOf('\r\n') + 2);
      assert.equal(afterInfo, "PING\r\nPING\r\n-ERR 'Stale Connection'\r\n");
      assert.equal(server.monitor.closed.at(-1)?.reason, 'Stale Connection');
      assert.ok(lines.some((l) => /\[DBG\] .* - cid:\d+ - "mute" - Stale Client Connection - Closing/.test(l)));
    } finally {
      raw.close();
      await server.shutdown();
    }
  });

  test('with ping_max 1, the second unanswered tick closes', async () => {
    const { server, port } = await startEmbedded({ pingInterval: 200, pingMax: 1 });
    const raw = await RawConn.open(port);
    try {
      raw.write('CONNECT {"verbose":false}\r\n');
      const text = await raw.waitFor(/-ERR 'Stale Connection'\r\n/, 5000);
      assert.equal(countPings(text), 1);
    } finally {
      raw.close();
      await server.shutdown();
    }
  });

  test('a client that answers PONG stays connected', async () => {
    const { server, port } = await startEmbedded({ pingInterval: 200, pingMax: 2 });
    const raw = await RawConn.open(port);
    try {
      raw.write('CONNECT {"verbose":false}\r\n');
      let answered = 0;
      const until = Date.now() + 10_000;
      while (answered < 5 && Date.now() < until && !raw.closed) {
        const n = countPings(raw.text());
        while (answered < n) {
          raw.write('PONG\r\n');
          answered++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(answered >= 5, `answered ${answered} pings`);
      assert.ok(!raw.closed);
      assert.doesNotMatch(raw.text(), /-ERR/);
      raw.write('PING\r\n');
      await raw.waitFor(/PONG\r\n/);
      assert.equal(server.clients.size, 1);
    } finally {
      raw.close();
      await server.shutdown();
    }
  });

  test('nats.js with short ping interval on both sides stays connected', async () => {
    const { server, url } = await startEmbedded({ pingInterval: 100, pingMax: 2 });
    const nc = await connect({ servers: url, reconnect: false, pingInterval: 100 });
    try {
      const start = server.stats.totalConnections;
      // Let several ping intervals pass while exchanging a few messages.
      let got = 0;
      const s = nc.subscribe('ka', { max: 10, callback: () => got++ });
      for (let i = 0; i < 10; i++) {
        nc.publish('ka');
        await new Promise((r) => setTimeout(r, 100));
      }
      await s.closed;
      assert.equal(got, 10);
      assert.ok(!nc.isClosed());
      assert.equal(server.stats.totalConnections, start);
      assert.equal(server.stats.slowConsumers, 0);
    } finally {
      await nc.close();
      await server.shutdown();
    }
  });

  for (const kind of ['switchboard', 'nats-server'] as const) {
    test(`${kind}: the first server PING arrives about 2 s after CONNECT with the default interval`, { skip: kind === 'nats-server' && !natsServerAvailable() }, async () => {
      const proc = await startProcess(kind);
      const raw = await RawConn.open(proc.port);
      try {
        await raw.waitFor(/^INFO /);
        const t0 = Date.now();
        raw.write('CONNECT {"verbose":false}\r\n');
        await raw.waitFor(/PING\r\n/, 5000);
        const after = Date.now() - t0;
        // A timer never fires early: 2 s (+ up to 20 % jitter) is the floor.
        assert.ok(after >= 1900, `first PING after ${after} ms`);
        raw.write('PONG\r\n');
        raw.write('PING\r\n');
        await raw.waitFor(/PONG\r\n/);
      } finally {
        raw.close();
        await proc.stop();
      }
    });
  }
});
