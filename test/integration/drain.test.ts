/**
 * The drain demo of the NATS v2 talk, as a test: a queue group of responders under a steady
 * request load; some responders drain mid-load, a new one joins; every request is answered exactly
 * once. Plus drain of a plain subscriber: nothing published before the drain is lost.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, StringCodec, type NatsConnection, type Subscription } from 'nats';
import type { Switchboard } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';

const sc = StringCodec();

interface Responder {
  name: string;
  nc: NatsConnection;
  sub: Subscription;
  handled: string[];
  /** Resolves when the message loop ended (iterator style responders). */
  done: Promise<void>;
}

describe('drain (nats.js v2)', () => {
  let server: Switchboard;
  let servers: string;
  const conns: NatsConnection[] = [];
  const nc = async (name: string) => {
    const c = await connect({ servers, name, reconnect: false });
    conns.push(c);
    return c;
  };

  before(async () => {
    const s = await startEmbedded();
    server = s.server;
    servers = s.url;
  });
  after(async () => {
    await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close().catch(() => {}))));
    await server.shutdown();
  });

  /** A responder answering in its subscription callback (synchronous, as the Go demo's handler). */
  async function callbackResponder(name: string): Promise<Responder> {
    const c = await nc(name);
    const handled: string[] = [];
    const sub = c.subscribe('help', {
      queue: 'workers',
      callback: (_e, m) => {
        const id = sc.decode(m.data);
        handled.push(id);
        m.respond(sc.encode(`${id}:${name}`));
      },
    });
    await c.flush();
    return { name, nc: c, sub, handled, done: c.closed().then(() => {}) };
  }

  /** A responder that takes its time (awaits between receive and reply), iterator style. */
  async function slowResponder(name: string): Promise<Responder> {
    const c = await nc(name);
    const handled: string[] = [];
    const sub = c.subscribe('help', { queue: 'workers' });
    const done = (async () => {
      for await (const m of sub) {
        const id = sc.decode(m.data);
        handled.push(id);
        await new Promise((r) => setTimeout(r, 1));
        m.respond(sc.encode(`${id}:${name}`));
      }
    })();
    await c.flush();
    return { name, nc: c, sub, handled, done };
  }

  test('queue group responders drain mid-load: every request answered exactly once', async () => {
    const TOTAL = 2000;
    const CONCURRENCY = 24;
    const responders: Responder[] = [
      await callbackResponder('r1'),
      await slowResponder('r2'),
      await callbackResponder('r3'),
      await slowResponder('r4'),
    ];
    const requester = await nc('requester');

    let replies = 0;
    const failures: string[] = [];
    const answeredBy = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const id = String(next++);
        try {
          const r = await requester.request('help', sc.encode(id), { timeout: 5000 });
          const [rid, who] = sc.decode(r.data).split(':');
          if (rid !== id) failures.push(`request ${id} got reply for ${rid}`);
          if (answeredBy.has(id)) failures.push(`request ${id} answered twice`);
          answeredBy.set(id, who);
          replies++;
        } catch (e) {
          failures.push(`request ${id}: ${(e as Error).message}`);
        }
      }
    };

    const drained: Responder[] = [];
    const scenario = (async () => {
      // r1 drains its whole connection (callback handler: the reply goes out before the UNSUB).
      await waitFor(() => replies >= 400, 20_000, '400 replies');
      const r1 = responders[0];
      const r1Closed = r1.nc.closed();
      await r1.nc.drain();
      await r1Closed;
      drained.push(r1);
      // A new member joins under load.
      await waitFor(() => replies >= 700, 20_000, '700 replies');
      responders.push(await callbackResponder('r5'));
      // r2 drains its subscription, finishes what it already received, then drains the connection.
      await waitFor(() => replies >= 1000, 20_000, '1000 replies');
      const r2 = responders[1];
      await r2.sub.drain();
      await r2.done;
      await r2.nc.drain();
      drained.push(r2);
    })();

    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await scenario;

    assert.deepEqual(failures, []);
    assert.equal(replies, TOTAL);
    assert.equal(answeredBy.size, TOTAL);
    // The server gave each request to exactly one member of the group.
    const all = responders.flatMap((r) => r.handled);
    assert.equal(all.length, TOTAL, 'sum of handled requests');
    assert.equal(new Set(all).size, TOTAL, 'no request handled twice');
    // Drained responders took part before draining and got nothing after they left.
    for (const r of drained) {
      assert.ok(r.handled.length > 0, `${r.name} handled requests before draining`);
      assert.ok(r.nc.isClosed(), `${r.name} closed after drain`);
    }
    const r5 = responders[4];
    assert.ok(r5.handled.length > 0, 'the late joiner got work');
    const lastBefore = Math.max(...drained.map((r) => Math.max(...r.handled.map(Number))));
    assert.ok(lastBefore < TOTAL - 1, 'load continued after the drains');
    // Server side: the drained connections are gone, the others remain.
    await waitFor(() => server.clients.size === conns.filter((c) => !c.isClosed()).length, 5000, 'server sees closed conns');
  });

  test('drain of a plain subscriber receives everything published before the drain', async () => {
    const N = 20_000;
    const sub = await nc('plain-sub');
    const pub = await nc('plain-pub');
    let got = 0;
    let inOrder = true;
    sub.subscribe('plain', {
      callback: (_e, m) => {
        if (Number(sc.decode(m.data)) !== got) inOrder = false;
        got++;
      },
    });
    await sub.flush();
    const payload = (i: number) => sc.encode(String(i).padEnd(200, ' '));
    for (let i = 0; i < N; i++) pub.publish('plain', payload(i));
    // Once the publisher's PONG is back, the server has queued all N to the subscriber.
    await pub.flush();
    const closed = sub.closed();
    await sub.drain();
    await closed;
    assert.equal(got, N);
    assert.ok(inOrder, 'messages arrived in publish order');
  });

  test('subscription drain while publishing continues: a gap-free prefix is received', async () => {
    const sub = await nc('prefix-sub');
    const pub = await nc('prefix-pub');
    const seen: number[] = [];
    const s = sub.subscribe('seq', { callback: (_e, m) => seen.push(Number(sc.decode(m.data))) });
    await sub.flush();
    let sent = 0;
    let stop = false;
    const publishing = (async () => {
      while (!stop && sent < 200_000) {
        for (let k = 0; k < 200; k++) pub.publish('seq', sc.encode(String(sent++)));
        await new Promise((r) => setImmediate(r));
      }
      await pub.flush();
    })();
    await waitFor(() => seen.length >= 2000, 10_000, '2000 messages');
    await s.drain();
    stop = true;
    await publishing;
    assert.ok(s.isClosed());
    assert.ok(seen.length >= 2000);
    for (let i = 0; i < seen.length; i++) assert.equal(seen[i], i, `message ${i} in sequence`);
    const n = seen.length;
    // Nothing arrives after the drain completed.
    await pub.flush();
    await sub.flush();
    assert.equal(seen.length, n);
  });
});
