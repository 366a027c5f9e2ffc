import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, StringCodec, headers, createInbox, type NatsConnection } from 'nats';
import type { Switchboard } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

const sc = StringCodec();

describe('pub/sub with the nats.js v2 client', () => {
  let server: Switchboard;
  let servers: string;
  const conns: NatsConnection[] = [];
  const nc = async (opts: Record<string, unknown> = {}) => {
    const c = await connect({ servers, ...opts });
    conns.push(c);
    return c;
  };

  before(async () => {
    const s = await startEmbedded();
    server = s.server;
    servers = s.url;
  });
  after(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
    await server.shutdown();
  });

  test('INFO looks like nats-server 2.9.10', async () => {
    const c = await nc();
    const info = c.info!;
    assert.equal(info.version, '2.9.10');
    assert.equal(info.proto, 1);
    assert.equal(info.headers, true);
    assert.equal(info.max_payload, 1024 * 1024);
    assert.match(info.server_id, /^N[A-Z2-7]{55}$/);
    assert.ok(info.client_id! > 0);
    assert.equal(info.client_ip, '127.0.0.1');
  });

  test('publish and subscribe, with wildcards', async () => {
    const c = await nc();
    const got: string[] = [];
    const s1 = c.subscribe('a.*.c', { max: 2, callback: (_e, m) => got.push(`star:${m.subject}`) });
    const s2 = c.subscribe('a.>', { max: 3, callback: (_e, m) => got.push(`fwc:${m.subject}`) });
    await c.flush();
    c.publish('a.b.c', sc.encode('1'));
    c.publish('a.x.c', sc.encode('2'));
    c.publish('a.b', sc.encode('3'));
    c.publish('b.b.c', sc.encode('4'));
    await Promise.all([s1.closed, s2.closed]);
    assert.deepEqual(got.sort(), ['fwc:a.b', 'fwc:a.b.c', 'fwc:a.x.c', 'star:a.b.c', 'star:a.x.c'].sort());
  });

  test('queue groups deliver each message to one member, spread over all', async () => {
    const pub = await nc();
    const counts = [0, 0, 0, 0];
    const subs = [];
    for (let i = 0; i < 4; i++) {
      const c = await nc();
      subs.push(c.subscribe('work', { queue: 'q', callback: () => counts[i]++ }));
      await c.flush();
    }
    const plain = pub.subscribe('work', { max: 400 });
    await pub.flush();
    for (let i = 0; i < 400; i++) pub.publish('work');
    await pub.flush();
    await waitFor(() => counts.reduce((a, b) => a + b) === 400, 5000, 'queue deliveries');
    for (const n of counts) assert.ok(n > 40, `member got ${n} of 400`);
    let plainCount = 0;
    for await (const _m of plain) plainCount++;
    assert.equal(plainCount, 400);
    subs.forEach((s) => s.unsubscribe());
  });

  test('request/reply and no responders', async () => {
    const c = await nc();
    c.subscribe('svc.echo', { callback: (_e, m) => m.respond(m.data) });
    const r = await c.request('svc.echo', sc.encode('ping'), { timeout: 2000 });
    assert.equal(sc.decode(r.data), 'ping');
    await assert.rejects(c.request('svc.nobody', sc.encode('x'), { timeout: 2000 }), (e: Error & { code?: string }) => e.code === '503');
  });

  test('headers are delivered as HMSG', async () => {
    const c = await nc();
    const sub = c.subscribe('h', { max: 1 });
    const h = headers();
    h.set('X-Test', 'yes');
    c.publish('h', sc.encode('body'), { headers: h });
    for await (const m of sub) {
      assert.equal(m.headers?.get('X-Test'), 'yes');
      assert.equal(sc.decode(m.data), 'body');
    }
  });

  test('echo off suppresses own messages', async () => {
    const c = await nc({ noEcho: true });
    const other = await nc();
    let own = 0;
    c.subscribe('e', { callback: () => own++ });
    const sub = other.subscribe('e', { max: 1 });
    await c.flush();
    await other.flush();
    c.publish('e');
    for await (const _m of sub) break;
    await c.flush();
    assert.equal(own, 0);
  });

  test('auto-unsubscribe after max messages', async () => {
    const c = await nc();
    const inbox = createInbox();
    const sub = c.subscribe(inbox, { max: 3 });
    await c.flush();
    for (let i = 0; i < 10; i++) c.publish(inbox, sc.encode(String(i)));
    const got: string[] = [];
    for await (const m of sub) got.push(sc.decode(m.data));
    assert.deepEqual(got, ['0', '1', '2']);
    await c.flush();
    await waitFor(() => ![...server.clients.values()].some((cl) => [...cl.subs.values()].some((s) => s.subject === inbox)), 2000, 'sub removed');
  });

  test('payloads near max_payload pass, above it the server closes', async () => {
    const c = await nc();
    const big = new Uint8Array(1024 * 1024 - 100).fill(7);
    const sub = c.subscribe('big', { max: 1 });
    c.publish('big', big);
    for await (const m of sub) assert.equal(m.data.length, big.length);
    assert.throws(() => c.publish('big', new Uint8Array(1024 * 1024 + 1)), /MAX_PAYLOAD|payload/i);
  });

  test('10 000 subscriptions on one connection', async () => {
    const c = await nc();
    let got = 0;
    for (let i = 0; i < 10_000; i++) c.subscribe(`many.${i}`, { callback: () => got++ });
    await c.flush();
    for (let i = 0; i < 10_000; i += 100) c.publish(`many.${i}`);
    await c.flush();
    await waitFor(() => got === 100, 5000, '100 deliveries');
    assert.ok(server.globalAccount.sublist.size >= 10_000);
  });

  test('a burst larger than the server reads at once arrives whole and in order (frames cut at every read boundary)', async () => {
    // The server reads sockets through shared buffers of 64 KiB, and of 256 KiB after a read that
    // delivered nothing: 1 MB without interest, then 1.5 MB with, written at once, reach it in full
    // reads of both sizes, each ending inside some frame (control line or payload).
    const c = await nc();
    const sizes = [0, 1, 7, 100, 1000, 1024, 4093, 20_000, 65_536, 70_001, 200_000];
    const want: Buffer[] = [];
    let total = 0;
    for (let i = 0; total < 1_500_000; i++) {
      const n = sizes[i % sizes.length] + (i % 13);
      const b = Buffer.alloc(n);
      for (let j = 0; j < n; j++) b[j] = (i * 31 + j * 7) & 0xff;
      want.push(b);
      total += n;
    }
    const got: Buffer[] = [];
    const sub = c.subscribe('burst.big', { callback: (_e, m) => got.push(Buffer.from(m.data)) });
    await c.flush();
    const raw = await RawConn.open(Number(servers.split(':').pop()));
    raw.write('CONNECT {"verbose":false,"pedantic":false}\r\n');
    const unheard = want.slice(0, 40).flatMap((b) => [Buffer.from(`PUB burst.nobody ${b.length}\r\n`), b, Buffer.from('\r\n')]);
    const heard = want.flatMap((b) => [Buffer.from(`PUB burst.big ${b.length}\r\n`), b, Buffer.from('\r\n')]);
    raw.write(Buffer.concat([...unheard, ...heard, Buffer.from('PING\r\n')]));
    try {
      await raw.waitFor(/PONG\r\n/, 30_000);
      await c.flush();
      await waitFor(() => got.length >= want.length, 30_000, `${want.length} messages`);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.ok(got[i].equals(want[i]), `message ${i} (${want[i].length} bytes) arrived intact`);
      assert.ok(!/-ERR/.test(raw.text()), raw.text());
    } finally {
      raw.close();
      sub.unsubscribe();
    }
  });
});
