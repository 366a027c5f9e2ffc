/**
 * The core flows with the nats.js v3 client (`@nats-io/transport-node`): pub/sub, wildcards,
 * queue groups, request/reply, headers, no responders, drain.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, headers, createInbox, errors, type NatsConnection } from '@nats-io/transport-node';
import type { Switchboard } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

describe('nats.js v3 client (@nats-io/transport-node)', () => {
  let server: Switchboard;
  let servers: string;
  const conns: NatsConnection[] = [];
  const nc = async (opts: Record<string, unknown> = {}) => {
    const c = await connect({ servers, reconnect: false, ...opts });
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

  test('connects and sees the INFO of a 2.9.10 server', async () => {
    const c = await nc({ name: 'v3' });
    assert.equal(c.info?.version, '2.9.10');
    assert.equal(c.info?.headers, true);
    assert.ok((c.info?.client_id ?? 0) > 0);
    await c.flush();
    const rtt = await c.rtt();
    assert.ok(rtt >= 0);
    const cl = server.clients.get(c.info!.client_id!);
    assert.equal(cl?.opts.name, 'v3');
    assert.equal(cl?.opts.lang, 'nats.js');
  });

  test('publish/subscribe with wildcards, in order', async () => {
    const c = await nc();
    const got: string[] = [];
    const s1 = c.subscribe('v3.*.x', { max: 50 });
    const s2 = c.subscribe('v3.>', { max: 100 });
    const read = async (s: typeof s1, tag: string) => {
      for await (const m of s) got.push(`${tag}:${m.subject}:${m.string()}`);
    };
    const done = Promise.all([read(s1, 'star'), read(s2, 'fwc')]);
    await c.flush();
    const pub = await nc();
    for (let i = 0; i < 50; i++) {
      pub.publish('v3.a.x', String(i));
      pub.publish('v3.b', String(i));
    }
    pub.publish('other', 'nope');
    await done;
    const star = got.filter((g) => g.startsWith('star:'));
    assert.deepEqual(star, Array.from({ length: 50 }, (_, i) => `star:v3.a.x:${i}`));
    assert.equal(got.filter((g) => g.startsWith('fwc:')).length, 100);
    assert.ok(!got.some((g) => g.includes('other')));
  });

  test('queue group: each message to exactly one member', async () => {
    const counts = [0, 0, 0];
    const seen = new Set<string>();
    let dup = 0;
    for (let i = 0; i < 3; i++) {
      const c = await nc();
      c.subscribe('v3.work', {
        queue: 'workers',
        callback: (_e, m) => {
          counts[i]++;
          if (seen.has(m.string())) dup++;
          seen.add(m.string());
        },
      });
      await c.flush();
    }
    const pub = await nc();
    for (let i = 0; i < 600; i++) pub.publish('v3.work', String(i));
    await pub.flush();
    await waitFor(() => seen.size === 600, 5000, 'queue deliveries');
    assert.equal(dup, 0);
    assert.equal(counts.reduce((a, b) => a + b), 600);
    for (const n of counts) assert.ok(n > 60, `member got ${n}`);
  });

  test('request/reply, many in flight', async () => {
    const svc = await nc();
    svc.subscribe('v3.echo', {
      callback: (_e, m) => {
        m.respond(`re:${m.string()}`);
      },
    });
    await svc.flush();
    const c = await nc();
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => c.request('v3.echo', String(i), { timeout: 5000 })));
    replies.forEach((r, i) => assert.equal(r.string(), `re:${i}`));
  });

  test('headers travel both ways', async () => {
    const svc = await nc();
    svc.subscribe('v3.hdr', {
      callback: (_e, m) => {
        const h = headers();
        h.set('X-Echo', m.headers?.get('X-Trace') ?? 'missing');
        h.append('X-Multi', 'a');
        h.append('X-Multi', 'b');
        m.respond(m.data, { headers: h });
      },
    });
    await svc.flush();
    const c = await nc();
    const h = headers();
    h.set('X-Trace', 'abc-123');
    const r = await c.request('v3.hdr', 'payload', { timeout: 2000, headers: h });
    assert.equal(r.string(), 'payload');
    assert.equal(r.headers?.get('X-Echo'), 'abc-123');
    assert.deepEqual(r.headers?.values('X-Multi'), ['a', 'b']);

    // A subscriber that did not negotiate headers gets the payload only, as a plain MSG.
    const raw = await RawConn.open(server.port);
    try {
      raw.write('CONNECT {"verbose":false,"headers":false}\r\nSUB v3.hdr.plain 7\r\nPING\r\n');
      await raw.waitFor(/PONG\r\n/);
      c.publish('v3.hdr.plain', 'body', { headers: h });
      await c.flush();
      const text = await raw.waitFor(/MSG v3\.hdr\.plain 7 4\r\nbody\r\n/);
      assert.doesNotMatch(text, /HMSG|X-Trace/);
    } finally {
      raw.close();
    }
  });

  test('no responders: the request fails at once with the 503 status', async () => {
    const c = await nc();
    await assert.rejects(
      () => c.request('v3.nobody.home', 'x', { timeout: 5000 }),
      (e: unknown) => {
        assert.ok(e instanceof errors.RequestError, `got ${String(e)}`);
        assert.ok(e.isNoResponders());
        return true;
      },
    );
  });

  test('drain: queue responders leave without losing a request', async () => {
    const handled: string[][] = [[], [], []];
    const rs: NatsConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await nc();
      c.subscribe('v3.drain', {
        queue: 'q',
        callback: (_e, m) => {
          handled[i].push(m.string());
          m.respond(m.data);
        },
      });
      await c.flush();
      rs.push(c);
    }
    const req = await nc();
    const TOTAL = 1000;
    let ok = 0;
    const errs: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const id = String(next++);
        try {
          const r = await req.request('v3.drain', id, { timeout: 5000 });
          if (r.string() === id) ok++;
          else errs.push(`${id} -> ${r.string()}`);
        } catch (e) {
          errs.push(`${id}: ${(e as Error).message}`);
        }
      }
    };
    const drainer = (async () => {
      await waitFor(() => ok >= 300, 10_000, '300 replies');
      await rs[0].drain();
      await waitFor(() => ok >= 600, 10_000, '600 replies');
      await rs[1].drain();
    })();
    await Promise.all(Array.from({ length: 16 }, worker));
    await drainer;
    assert.deepEqual(errs, []);
    assert.equal(ok, TOTAL);
    const all = handled.flat();
    assert.equal(all.length, TOTAL);
    assert.equal(new Set(all).size, TOTAL);
    assert.ok(rs[0].isClosed() && rs[1].isClosed());
    assert.ok(handled[0].length > 0 && handled[1].length > 0);
  });

  test('drain of a plain subscriber delivers everything published before it', async () => {
    const sub = await nc();
    const pub = await nc();
    let n = 0;
    sub.subscribe('v3.bulk', {
      callback: () => {
        n++;
      },
    });
    await sub.flush();
    const N = 10_000;
    for (let i = 0; i < N; i++) pub.publish('v3.bulk', 'x'.repeat(100));
    await pub.flush();
    await sub.drain();
    assert.equal(n, N);
    assert.ok(sub.isClosed());
  });

  test('inbox subscription and flush round trip', async () => {
    const c = await nc();
    const inbox = createInbox();
    const s = c.subscribe(inbox, { max: 1 });
    c.publish(inbox, 'to-me');
    for await (const m of s) assert.equal(m.string(), 'to-me');
  });
});
