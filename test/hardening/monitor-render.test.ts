/**
 * Monitoring must not freeze delivery (issue 16, item 5): the large views are rendered in
 * slices, so a request/reply canary keeps completing while /connz?subs=detail over a thousand
 * connections with their subscriptions is being rendered; and the sliced text is the view.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { connz, connzChunks, connzJson, subsz, subszJson, subszHttpBody, type Switchboard } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

const CONNS = 1100;
const SUBS = 10;

/** Opens `n` raw clients with `subs` subscriptions each; resolves once every one has its PONG. */
async function populate(port: number, n: number, subs: number): Promise<RawConn[]> {
  const conns: RawConn[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, k) => {
        const c = await RawConn.open(port);
        let ops = 'CONNECT {"verbose":false,"pedantic":false,"name":"load"}\r\n';
        for (let s = 0; s < subs; s++) ops += `SUB load.${i + k}.${s}.> q${s} ${s + 1}\r\n`;
        c.write(ops + 'PING\r\n');
        await c.waitFor(/PONG\r\n/, 30_000);
        return c;
      }),
    );
    conns.push(...batch);
  }
  return conns;
}

/**
 * Volatile per-call fields removed, for comparing two renderings of the same state: times, and the
 * sublist's match-cache counters, which any message in between moves (a $SYS event may fire
 * while a rendering pauses between slices).
 */
const VOLATILE = new Set(['now', 'uptime', 'idle', 'last_activity', 'rtt', 'num_matches', 'cache_hit_rate', 'num_cache', 'max_fanout', 'avg_fanout']);
function stable(text: string): unknown {
  return JSON.parse(text, (k, v) => (VOLATILE.has(k) ? undefined : v));
}

test('a request/reply canary completes while a large /connz is being rendered; the sliced text is the view', async () => {
  const { server, url, port } = await startEmbedded();
  let conns: RawConn[] = [];
  const nc = await connect({ servers: url });
  const responder = await connect({ servers: url });
  try {
    conns = await populate(port, CONNS, SUBS);
    responder.subscribe('canary', { callback: (_e, m) => m.respond(m.data) });
    await responder.flush();
    await nc.request('canary', new Uint8Array(1), { timeout: 10_000 });

    // The canary loop runs while one rendering is in progress; only replies that arrive before
    // the rendering finished count. A rendering that held the event loop would leave none.
    let rendering = true;
    let during = 0;
    const canary = (async () => {
      while (rendering) {
        await nc.request('canary', new Uint8Array(1), { timeout: 30_000 });
        if (rendering) during++;
      }
    })();
    const text = await connzJson(server as Switchboard, { subs: 'detail' }, 2);
    rendering = false;
    await canary;
    assert.ok(during >= 1, `canary round trips completed during the rendering: ${during}`);

    const view = JSON.parse(text) as { connections: Array<{ subscriptions_list_detail?: unknown[] }>; num_connections: number; total: number };
    assert.equal(view.num_connections, 1024, 'a default page of connections');
    assert.ok(view.total >= CONNS);
    assert.equal(view.connections.filter((c) => (c.subscriptions_list_detail?.length ?? 0) === SUBS).length >= 1000, true);
    // The same state rendered at once and in slices: the same document, indentation included.
    const quiet = await connzJson(server as Switchboard, { subs: 'detail' }, 2);
    assert.deepEqual(stable(quiet), stable(JSON.stringify(connz(server as Switchboard, { subs: 'detail' }), null, 2)));
    assert.deepEqual(stable(await connzJson(server as Switchboard, { subs: true, offset: 100, limit: 300, sort: 'subs' })), stable(JSON.stringify(connz(server as Switchboard, { subs: true, offset: 100, limit: 300, sort: 'subs' }))));
    for (const q of [{ subs: true }, { subs: true, test: 'load.7.3.x' }, { subs: true, offset: 5000, limit: 50 }, {}, { subs: true, acc: 'nope' }]) {
      assert.deepEqual(stable(await subszJson(server as Switchboard, q, 2)), stable(JSON.stringify(subszHttpBody(subsz(server as Switchboard, q)), null, 2)), JSON.stringify(q));
    }
  } finally {
    for (const c of conns) c.close();
    await nc.close();
    await responder.close();
    await server.shutdown();
  }
});

test('/subsz keeps its last page only while no subscription came or went', async () => {
  const { server, port } = await startEmbedded();
  const c = await RawConn.open(port);
  try {
    const listed = async () =>
      (JSON.parse(await subszJson(server as Switchboard, { subs: true, test: 'keep.x' })) as { subscriptions_list?: Array<{ subject: string }> }).subscriptions_list?.map((s) => s.subject).sort() ?? [];
    c.write('CONNECT {"verbose":false}\r\nSUB keep.* 1\r\nPING\r\n');
    await c.waitFor(/PONG\r\n/);
    assert.deepEqual(await listed(), ['keep.*']);
    assert.deepEqual(await listed(), ['keep.*'], 'asked again, unchanged');
    c.drain();
    c.write('SUB keep.> 2\r\nPING\r\n');
    await c.waitFor(/PONG\r\n/);
    assert.deepEqual(await listed(), ['keep.*', 'keep.>'], 'a new subscription is listed');
    c.drain();
    c.write('UNSUB 1\r\nPING\r\n');
    await c.waitFor(/PONG\r\n/);
    assert.deepEqual(await listed(), ['keep.>'], 'a removed one is gone');
  } finally {
    c.close();
    await server.shutdown();
  }
});

interface ConnEntry {
  cid: number;
  subscriptions: number;
  subscriptions_list_detail?: Array<{ cid: number; sid: string }>;
  subscriptions_list?: string[];
}

/** A /connz document that holds together: valid JSON, counts that match the list, cids in order and once each. */
function assertConsistent(text: string, what: string): { connections: ConnEntry[]; total: number; offset: number; limit: number } {
  const view = JSON.parse(text) as { num_connections: number; total: number; offset: number; limit: number; connections: ConnEntry[] };
  assert.equal(view.num_connections, view.connections.length, `${what}: num_connections counts the list`);
  assert.ok(view.total >= view.connections.length, `${what}: total ${view.total} covers the page`);
  assert.ok(view.connections.length <= view.limit, `${what}: no more than limit`);
  const cids = view.connections.map((c) => c.cid);
  assert.deepEqual(cids, [...cids].sort((a, b) => a - b), `${what}: cid order`);
  assert.equal(new Set(cids).size, cids.length, `${what}: each connection once`);
  for (const c of view.connections) {
    const listed = c.subscriptions_list_detail?.length ?? c.subscriptions_list?.length ?? 0;
    assert.equal(listed, c.subscriptions, `${what}: cid ${c.cid} lists as many subscriptions as it counts`);
    for (const d of c.subscriptions_list_detail ?? []) assert.equal(d.cid, c.cid);
  }
  return view;
}

test('connections closing and opening while a large /connz is rendered: the document stays valid, its counts those of the snapshot', async () => {
  const { server, port } = await startEmbedded();
  let conns: RawConn[] = [];
  const added: RawConn[] = [];
  try {
    conns = await populate(port, CONNS, SUBS);
    const sb = server as Switchboard;
    const before = sb.clients.size;

    // 1. Changes between two slices of the rendering: the generator is suspended after its first
    // chunk while 300 connections close (some inside the page, some after it) and 50 open.
    const chunks = (await connzChunks(sb, { subs: 'detail', limit: 2000 }, 2))[Symbol.asyncIterator]();
    const first = await chunks.next();
    assert.equal(first.done, false);
    const parts: Buffer[] = [first.value as Buffer];
    const closing = conns.filter((_, i) => i % 4 === 1 && i < 1200);
    for (const c of closing) c.close();
    for (let i = 0; i < 50; i++) {
      const c = await RawConn.open(port);
      c.write('CONNECT {"verbose":false}\r\nSUB late.x 1\r\nPING\r\n');
      added.push(c);
    }
    await Promise.all(added.map((c) => c.waitFor(/PONG\r\n/, 30_000)));
    await waitFor(() => sb.clients.size === before - closing.length + added.length, 30_000, 'the server to see the closes and the new connections');
    for (;;) {
      const r = await chunks.next();
      if (r.done) break;
      parts.push(r.value);
    }
    const view = assertConsistent(Buffer.concat(parts).toString('utf8'), 'changed between slices');
    assert.equal(view.total, before, 'total is the snapshot count');
    assert.equal(view.connections.length, Math.min(2000, before), 'the whole snapshot page is listed');
    const closedCids = new Set<number>();
    for (const c of view.connections) if (!sb.clients.has(c.cid)) closedCids.add(c.cid);
    assert.ok(closedCids.size >= 1, 'connections closed meanwhile are still in the page');
    const lateCids = new Set([...sb.clients.values()].filter((c) => [...c.subs.values()].some((s) => s.subject === 'late.x')).map((c) => c.cid));
    assert.equal(lateCids.size, added.length);
    assert.ok(!view.connections.some((c) => lateCids.has(c.cid)), 'no connection opened after the snapshot is listed');

    // 2. Changes while renderings run on their own (the event loop turning between slices): many
    // renderings, sorted and unsorted, while connections keep closing and opening.
    let churn = true;
    const churner = (async () => {
      let i = 0;
      while (churn) {
        const c = await RawConn.open(port);
        c.write(`CONNECT {"verbose":false}\r\nSUB churn.${i++} 1\r\nPING\r\n`);
        await c.waitFor(/PONG\r\n/, 30_000);
        c.close();
        const victim = conns.pop();
        victim?.close();
      }
    })();
    try {
      for (const opts of [{ subs: 'detail' as const }, { subs: 'detail' as const, sort: 'subs' as const, limit: 3000 }, { subs: true, offset: 200, limit: 400 }, { sort: 'last' as const }, { state: 'any' as const, subs: 'detail' as const }]) {
        const text = await connzJson(sb, opts, 2);
        const v = JSON.parse(text) as { connections: ConnEntry[] };
        if (opts.sort === undefined && opts.state === undefined) assertConsistent(text, JSON.stringify(opts));
        else assert.equal((JSON.parse(text) as { num_connections: number }).num_connections, v.connections.length, JSON.stringify(opts));
      }
    } finally {
      churn = false;
      await churner;
    }
  } finally {
    for (const c of [...conns, ...added]) c.close();
    await server.shutdown();
  }
});
