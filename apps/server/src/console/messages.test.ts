/*
 * The message tools against an embedded server with real `nats` clients on the other side:
 * publish (headers, payload, reply) reaches a client of the chosen account; a request is answered
 * by a client's responder (reply and latency), or ends as no-responders / timeout; a tail with a
 * wildcard streams what a client publishes, passes at most `rate` a second and counts the rest as
 * dropped, and ends (its subscription gone) when the reader goes away. Limits (payload size, the
 * server's max_payload, publishes per session, tails per session), the viewer's 403 and the audit
 * entries are checked too, and the subject explorer lists a client's subscriptions with queue groups.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect, headers as natsHeaders, StringCodec, type NatsConnection } from 'nats';
import type { LightMyRequestResponse } from 'fastify';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { waitFor } from '../../../../test/helpers/servers.js';
import { SessionRateLimiter } from './routes-messages.js';

const sc = StringCodec();
const CONF = 'max_payload: 100000\naccounts { A { users [{user: a, password: a}] }, B { users [{user: b, password: b}] } }\n';
const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;

describe('message tools', () => {
  let c: Awaited<ReturnType<typeof startConsole>>;
  let admin: string;
  let viewer: string;
  let base: string;
  const clients: NatsConnection[] = [];
  const client = async (user: string) => {
    const nc = await connect({ servers: `127.0.0.1:${c.server.port}`, user, pass: user });
    clients.push(nc);
    return nc;
  };
  /** A fresh admin session: the publish limit counts per session, so each test has its own. */
  const session = () => login(c.app, 'admin', 'secret');
  const post = (cookie: string, url: string, payload: unknown) => c.app.inject({ method: 'POST', url, headers: { ...ORIGIN, cookie }, payload: payload as object });
  const audit = async (action: string) => json(await c.app.inject({ url: `/api/audit?action=${encodeURIComponent(action)}`, headers: { cookie: admin } })).entries as Record<string, any>[];

  before(async () => {
    c = await startConsole(CONF);
    admin = await session();
    c.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
    viewer = await login(c.app, 'vic', 'viewerpw');
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = c.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    await Promise.all(clients.map((nc) => nc.close().catch(() => undefined)));
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  });

  test('publish: a client of the account gets subject, headers, payload and reply; audited; nothing subscribed says so', async () => {
    const cookie = await session();
    const nc = await client('a');
    const got: { subject: string; reply: string; data: string; hdr: string | undefined }[] = [];
    nc.subscribe('orders.*', { callback: (_e, m) => got.push({ subject: m.subject, reply: m.reply ?? '', data: sc.decode(m.data), hdr: m.headers?.get('Trace-Id') }) });
    await nc.flush();
    // A client of account B must not see it.
    const other = await client('b');
    let leaked = 0;
    other.subscribe('orders.*', { callback: () => void leaked++ });
    await other.flush();

    const r = await post(cookie, '/api/messages/publish', { account: 'A', subject: 'orders.new', reply: 'answers.here', headers: [{ name: 'Trace-Id', value: 'abc 123' }], payload: '{"id": 7}', encoding: 'json' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(json(r).delivered, true);
    assert.equal(json(r).bytes, 9);
    assert.ok(json(r).headerBytes > 0);
    await waitFor(() => got.length === 1, 5000, 'the message at the client');
    assert.deepEqual(got[0], { subject: 'orders.new', reply: 'answers.here', data: '{"id": 7}', hdr: 'abc 123' });
    await other.flush();
    assert.equal(leaked, 0);

    const none = await post(cookie, '/api/messages/publish', { account: 'A', subject: 'nobody.listens', payload: 'x' });
    assert.equal(json(none).delivered, false);
    const entries = await audit('messages.publish');
    assert.equal(entries[0].target, 'A nobody.listens');
    assert.match(entries[0].detail, /no subscriber/);
    assert.equal(entries[1].target, 'A orders.new');
    assert.equal(entries[1].outcome, 'ok');
    assert.match(entries[1].detail, /9 bytes, 1 headers, reply answers.here; delivered/);
    // The payload itself is not written to the audit log.
    assert.ok(!JSON.stringify(entries).includes('"id": 7'));
  });

  test('publish: bad input is a 400 naming the field; unknown account 404; over max_payload 413; audited as refused', async () => {
    const cookie = await session();
    const cases: [unknown, number, string, string][] = [
      [{ account: 'A', subject: 'orders.*', payload: 'x' }, 400, 'body.subject', 'wildcards are not allowed'],
      [{ account: 'A', subject: 'a..b', payload: 'x' }, 400, 'body.subject', 'empty token'],
      [{ account: 'A', subject: 'a', payload: '{nope', encoding: 'json' }, 400, 'body.payload', 'not valid JSON'],
      [{ account: 'A', subject: 'a', payload: 'x'.repeat(64 * 1024 + 1) }, 400, 'body.payload', 'limit of 65536 bytes'],
      [{ account: 'A', subject: 'a', headers: [{ name: 'Bad Name', value: 'v' }] }, 400, 'body.headers.0.name', 'visible ASCII'],
      [{ account: 'A', subject: 'a', headers: [{ name: 'X', value: 'a\r\nb' }] }, 400, 'body.headers.0.value', 'line break'],
    ];
    for (const [body, status, path, message] of cases) {
      const r = await post(cookie, '/api/messages/publish', body);
      assert.equal(r.statusCode, status, r.body);
      assert.equal(json(r).issues[0].path, path, r.body);
      assert.match(json(r).message, new RegExp(message));
    }
    const unknown = await post(cookie, '/api/messages/publish', { account: 'NOPE', subject: 'a', payload: 'x' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(json(unknown).code, 'ACCOUNT_NOT_FOUND');
    const refused = (await audit('messages.publish')).find((e) => e.target === 'NOPE a');
    assert.equal(refused?.outcome, 'refused');
  });

  test('publish: over the server max_payload is a 413 with both sizes', async () => {
    const small = await startConsole('max_payload: 1000\n');
    try {
      const cookie = await login(small.app, 'admin', 'secret');
      const r = await small.app.inject({ method: 'POST', url: '/api/messages/publish', headers: { ...ORIGIN, cookie }, payload: { account: '$G', subject: 'big', payload: 'y'.repeat(2000) } });
      assert.equal(r.statusCode, 413, r.body);
      assert.equal(json(r).code, 'PAYLOAD_TOO_LARGE');
      assert.match(json(r).message, /2000 bytes; the server's max_payload is 1000/);
    } finally {
      await small.app.close();
      rmSync(small.dir, { recursive: true, force: true });
    }
  });

  test('publishes and requests per session are limited: a burst of 10, then 429 saying the limit', async () => {
    const cookie = await session();
    // All at once: sent one after the other, a loaded machine can take long enough per call for the
    // bucket to refill (5 per second). The bucket's arithmetic is tested with a clock below.
    const burst = [...Array(16).keys()].map((i) => post(cookie, '/api/messages/publish', { account: 'A', subject: 'flood', payload: String(i) }));
    burst.push(post(cookie, '/api/messages/request', { account: 'A', subject: 'flood', timeoutMs: 100 }));
    const replies = await Promise.all(burst);
    const codes = replies.map((x) => x.statusCode);
    assert.ok(codes.filter((s) => s === 200).length >= 10, codes.join(','));
    assert.ok(codes.every((s) => s === 200 || s === 429), codes.join(','));
    const r = replies.find((x) => x.statusCode === 429);
    assert.ok(r, codes.join(','));
    assert.equal(json(r).code, 'RATE_LIMITED');
    assert.match(json(r).message, /5 publishes and requests per second per session/);
    // Another session has its own allowance.
    assert.equal((await post(await session(), '/api/messages/publish', { account: 'A', subject: 'flood', payload: 'x' })).statusCode, 200);
  });

  test('viewers: 403 for publish, request and tail, naming the admin role; the explorer is open to them', async () => {
    for (const [url, body] of [
      ['/api/messages/publish', { account: 'A', subject: 'x' }],
      ['/api/messages/request', { account: 'A', subject: 'x' }],
      ['/api/messages/tail', { account: 'A', subject: 'x' }],
    ] as const) {
      const r = await post(viewer, url, body);
      assert.equal(r.statusCode, 403, url);
      assert.equal(json(r).requiredRole, 'admin');
      assert.match(json(r).message, /needs the admin role; you are logged in as vic \(viewer\)/);
    }
    const s = await c.app.inject({ url: '/api/messages/subjects', headers: { cookie: viewer } });
    assert.equal(s.statusCode, 200);
    assert.equal((await c.app.inject({ method: 'POST', url: '/api/messages/publish', headers: ORIGIN, payload: { account: 'A', subject: 'x' } })).statusCode, 401);
  });

  test('request: answered by a real responder with headers and latency; no-responders; timeout; audited', async () => {
    const cookie = await session();
    const nc = await client('a');
    nc.subscribe('svc.echo', {
      callback: (_e, m) => {
        const h = natsHeaders();
        h.set('Served-By', 'echo');
        m.respond(sc.encode(`echo: ${sc.decode(m.data)} (${m.headers?.get('Q') ?? ''})`), { headers: h });
      },
    });
    nc.subscribe('svc.silent', { callback: () => undefined });
    await nc.flush();

    const r = await post(cookie, '/api/messages/request', { account: 'A', subject: 'svc.echo', payload: 'hi', headers: [{ name: 'Q', value: '1' }] });
    assert.equal(r.statusCode, 200, r.body);
    const body = json(r);
    assert.equal(body.outcome, 'reply');
    assert.ok(body.latencyMs > 0 && body.latencyMs < 5000, String(body.latencyMs));
    assert.equal(body.reply.payload, 'echo: hi (1)');
    assert.equal(body.reply.payloadEncoding, 'utf8');
    assert.deepEqual(body.reply.headers, [{ name: 'Served-By', value: 'echo' }]);
    assert.match(body.reply.subject, /^_INBOX\./);

    const nr = json(await post(cookie, '/api/messages/request', { account: 'A', subject: 'svc.nobody', payload: 'x' }));
    assert.equal(nr.outcome, 'no-responders');
    assert.equal(nr.reply, undefined);
    // In account B nobody serves svc.echo: accounts are separate.
    assert.equal(json(await post(cookie, '/api/messages/request', { account: 'B', subject: 'svc.echo' })).outcome, 'no-responders');

    const to = json(await post(cookie, '/api/messages/request', { account: 'A', subject: 'svc.silent', timeoutMs: 300 }));
    assert.equal(to.outcome, 'timeout');
    assert.equal(to.timeoutMs, 300);
    assert.ok(to.latencyMs >= 290, String(to.latencyMs));

    const bad = await post(cookie, '/api/messages/request', { account: 'A', subject: 'svc.echo', timeoutMs: 60_000 });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).issues[0].path, 'body.timeoutMs');
    // The request's reply subscriptions are gone.
    assert.equal(c.server.messages.subscriptionCount, 0);
    const entries = await audit('messages.request');
    assert.match(entries.find((e) => e.target === 'A svc.silent')?.detail ?? '', /timeout after/);
    assert.match(entries.find((e) => e.target === 'A svc.echo' && e.outcome === 'ok')?.detail ?? '', /reply of 12 bytes after/);
  });

  /** Opens a tail over HTTP; events are collected as they arrive. */
  async function openTail(cookie: string, body: unknown) {
    const ac = new AbortController();
    const res = await fetch(`${base}/api/messages/tail`, { method: 'POST', headers: { ...ORIGIN, host: new URL(base).host, origin: base, cookie, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ac.signal });
    const events: { type: string; data: any }[] = [];
    const error = res.ok ? null : ((await res.json()) as { code: string; message: string });
    const reading = (async () => {
      if (!res.body || !res.ok) return;
      const dec = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body) {
          buf += dec.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end).split('\n');
            buf = buf.slice(end + 2);
            const type = block.find((l) => l.startsWith('event: '))?.slice(7);
            const data = block.find((l) => l.startsWith('data: '))?.slice(6);
            if (type && data) events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch {
        /* aborted */
      }
    })();
    return { res, error, events, stop: () => ac.abort(), reading };
  }

  test('tail: a wildcard streams what a real client publishes; stops (subscription gone, audited) when the reader goes away', async () => {
    const cookie = await session();
    const t = await openTail(cookie, { account: 'A', subject: 'tail.>' });
    assert.equal(t.res.status, 200);
    assert.match(t.res.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.equal(c.server.messages.subscriptionCount, 1);
    const nc = await client('a');
    const h = natsHeaders();
    h.set('K', 'v');
    nc.publish('tail.one', sc.encode('first'), { headers: h, reply: 'r.1' });
    nc.publish('tail.two.deep', sc.encode('second'));
    nc.publish('other.subject', sc.encode('not tailed'));
    nc.publish('tail.bin', new Uint8Array([0xff, 0xfe, 0x00]));
    await nc.flush();
    await waitFor(() => t.events.filter((e) => e.type === 'msg').length >= 3, 5000, 'three tailed messages');
    const msgs = t.events.filter((e) => e.type === 'msg').map((e) => e.data);
    assert.deepEqual(
      msgs.map((m) => [m.seq, m.subject, m.payload, m.payloadEncoding]),
      [
        [1, 'tail.one', 'first', 'utf8'],
        [2, 'tail.two.deep', 'second', 'utf8'],
        [3, 'tail.bin', Buffer.from([0xff, 0xfe, 0]).toString('base64'), 'base64'],
      ],
    );
    assert.equal(msgs[0].reply, 'r.1');
    assert.deepEqual(msgs[0].headers, [{ name: 'K', value: 'v' }]);
    await waitFor(() => t.events.some((e) => e.type === 'tail-stats' && e.data.matched === 3), 5000, 'the counts');

    t.stop();
    await t.reading;
    await waitFor(() => c.server.messages.subscriptionCount === 0, 5000, 'the tail subscription to go');
    const sub = c.server.accounts.get('A')!.sublist.match('tail.x');
    assert.equal(sub.psubs.length, 0);
    await waitFor(async () => (await audit('messages.tail.end')).length > 0, 5000, 'the tail end in the audit log');
    const [end] = await audit('messages.tail.end');
    assert.equal(end.target, 'A tail.>');
    assert.match(end.detail, /3 matched, 3 shown, 0 dropped/);
    const [start] = await audit('messages.tail');
    assert.equal(start.target, 'A tail.>');
    assert.equal(start.detail, 'at most 20 messages/s');
  });

  test('tail: at most `rate` messages a second reach the reader; the rest are counted as dropped', async () => {
    const cookie = await session();
    const t = await openTail(cookie, { account: 'A', subject: 'burst.*', rate: 5 });
    const opened = Date.now();
    const nc = await client('a');
    for (let i = 0; i < 300; i++) nc.publish(`burst.${i % 3}`, sc.encode(String(i)));
    await nc.flush();
    await waitFor(() => t.events.some((e) => e.type === 'tail-stats' && e.data.matched === 300), 10_000, 'all 300 counted');
    const stats = t.events.filter((e) => e.type === 'tail-stats').at(-1)!.data;
    const shown = t.events.filter((e) => e.type === 'msg').length;
    const seconds = Math.ceil((Date.now() - opened) / 1000) + 1;
    assert.equal(stats.delivered + stats.dropped, 300);
    assert.equal(stats.delivered, shown);
    assert.ok(shown >= 5 && shown <= 5 * seconds, `${shown} shown in ${seconds} s`);
    assert.ok(stats.dropped >= 300 - 5 * seconds, String(stats.dropped));
    assert.equal(stats.rate, 5);
    t.stop();
    await t.reading;
    await waitFor(() => c.server.messages.subscriptionCount === 0, 5000, 'the tail subscription to go');
  });

  test('tail: at most 3 per session (429), bad subject 400, unknown account 404', async () => {
    const cookie = await session();
    const open = [await openTail(cookie, { account: 'A', subject: 'a' }), await openTail(cookie, { account: 'A', subject: 'b' }), await openTail(cookie, { account: 'A', subject: 'c' })];
    assert.deepEqual(
      open.map((t) => t.res.status),
      [200, 200, 200],
    );
    const fourth = await openTail(cookie, { account: 'A', subject: 'd' });
    assert.equal(fourth.res.status, 429);
    assert.equal(fourth.error?.code, 'RATE_LIMITED');
    assert.match(fourth.error?.message ?? '', /at most 3 tails at once per session/);
    const bad = await post(cookie, '/api/messages/tail', { account: 'A', subject: 'a.>.b' });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).issues[0].path, 'body.subject');
    const unknown = await openTail(await session(), { account: 'NOPE', subject: 'x' });
    assert.equal(unknown.res.status, 404);
    assert.equal(unknown.error?.code, 'ACCOUNT_NOT_FOUND');
    for (const t of open) t.stop();
    await Promise.all(open.map((t) => t.reading));
    await waitFor(() => c.server.messages.subscriptionCount === 0, 5000, 'every tail subscription to go');
  });

  test('subject explorer: subscriptions per account with queue groups and counts, searchable; account counters', async () => {
    const nc = await client('a');
    const nc2 = await client('a');
    nc.subscribe('shop.orders.*', { queue: 'workers', callback: () => undefined });
    nc2.subscribe('shop.orders.*', { queue: 'workers', callback: () => undefined });
    nc2.subscribe('shop.orders.*', { queue: 'auditors', callback: () => undefined });
    nc.subscribe('shop.orders.new', { callback: () => undefined });
    nc.subscribe('shop.billing', { callback: () => undefined });
    await Promise.all([nc.flush(), nc2.flush()]);
    for (let i = 0; i < 4; i++) nc.publish('shop.orders.new', sc.encode('o'));
    await nc.flush();

    const all = json(await c.app.inject({ url: '/api/messages/subjects?account=A&q=shop', headers: { cookie: viewer } }));
    const row = (s: string) => all.subjects.find((r: any) => r.subject === s);
    assert.deepEqual(row('shop.orders.*'), { account: 'A', subject: 'shop.orders.*', subscriptions: 0, queues: [{ name: 'auditors', members: 1 }, { name: 'workers', members: 2 }], remote: 0, msgs: 8 });
    // A literal subject finds the wildcard subscriptions a publish to it reaches; a queue name finds its subject.
    const lit = json(await c.app.inject({ url: '/api/messages/subjects?account=A&q=shop.orders.new', headers: { cookie: viewer } }));
    assert.deepEqual(
      lit.subjects.map((r: any) => [r.subject, r.subscriptions, r.msgs]),
      [
        ['shop.orders.*', 0, 8],
        ['shop.orders.new', 1, 4],
      ],
    );
    const byQueue = json(await c.app.inject({ url: '/api/messages/subjects?q=AUDITORS', headers: { cookie: viewer } }));
    assert.deepEqual(
      byQueue.subjects.map((r: any) => [r.account, r.subject]),
      [['A', 'shop.orders.*']],
    );
    const a = all.accounts.find((x: any) => x.name === 'A');
    assert.ok(a.conns >= 2);
    assert.ok(a.subscriptions >= 5);
    assert.ok(a.inMsgs >= 4);
    assert.equal(all.accounts.length, 1);
    const unknown = await c.app.inject({ url: '/api/messages/subjects?account=NOPE', headers: { cookie: viewer } });
    assert.equal(unknown.statusCode, 404);
  });
});

test('the message rate limiter: a burst, then a refill at the rate, per key', () => {
  const l = new SessionRateLimiter(5, 10);
  const t0 = 1_000_000;
  for (let i = 0; i < 10; i++) assert.equal(l.take('a', t0), true, `token ${i}`);
  assert.equal(l.take('a', t0), false, 'the burst is spent');
  assert.equal(l.take('b', t0), true, 'another session has its own bucket');
  assert.equal(l.take('a', t0 + 100), false, 'half a token after 100 ms');
  assert.equal(l.take('a', t0 + 200), true, 'one token after 200 ms');
  assert.equal(l.take('a', t0 + 200), false);
  for (let i = 0; i < 10; i++) assert.equal(l.take('a', t0 + 60_000), true, 'refilled to the burst, no more');
  assert.equal(l.take('a', t0 + 60_000), false);
});
