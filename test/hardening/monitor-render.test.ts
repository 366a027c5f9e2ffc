/**
 * Monitoring must not freeze delivery (issue 16, item 5): the large views are rendered in
 * slices, so a request/reply canary keeps completing while /connz?subs=detail over a thousand
 * connections with their subscriptions is being rendered; and the sliced text is the view.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { connz, connzJson, subsz, subszJson, subszHttpBody, type Switchboard } from '@switchboard/broker';
import { startEmbedded } from '../helpers/servers.js';
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

/** Volatile per-call fields removed, for comparing two renderings of the same state. */
function stable(text: string): unknown {
  return JSON.parse(text, (k, v) => (k === 'now' || k === 'uptime' || k === 'idle' || k === 'last_activity' || k === 'rtt' ? undefined : v));
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
