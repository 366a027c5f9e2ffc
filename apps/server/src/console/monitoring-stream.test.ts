/**
 * /connz and /subsz are streamed as they are rendered (issue 16, item 5): over real HTTP the body
 * comes in chunks (chunked transfer encoding), is the whole JSON document, also wrapped for JSONP;
 * a bad option is still a 400 before any body.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Logger, type Switchboard } from '@switchboard/broker';
import { buildMonitoring } from './index.js';
import { RawConn } from '../../../../test/helpers/raw.js';

test('/connz?subs=detail over 400 connections: streamed, whole, JSONP, 400 on a bad option; identical requests at once all answered', async () => {
  const server = createServer({ host: '127.0.0.1', port: -1 }, { logger: new Logger({ sink: () => {} }) }) as Switchboard;
  await server.start();
  const app = await buildMonitoring({ server });
  const conns: RawConn[] = [];
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    for (let i = 0; i < 400; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const c = await RawConn.open(server.port);
          let ops = 'CONNECT {"verbose":false}\r\n';
          for (let s = 0; s < 10; s++) ops += `SUB st.${i + k}.${s} ${s + 1}\r\n`;
          c.write(ops + 'PING\r\n');
          await c.waitFor(/PONG\r\n/, 30_000);
          return c;
        }),
      );
      conns.push(...batch);
    }
    // Three identical requests at once (they may share one rendering) and one other.
    const answers = await Promise.all(['/connz?subs=detail', '/connz?subs=detail', '/connz?subs=detail', '/subsz?subs=1&limit=5000'].map((p) => fetch(base + p)));
    for (const r of answers) {
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('transfer-encoding'), 'chunked');
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    }
    const [c1, c2, c3, s1] = await Promise.all(answers.map((r) => r.text()));
    for (const text of [c1, c2, c3]) {
      const v = JSON.parse(text) as { num_connections: number; total: number; connections: Array<{ subscriptions_list_detail: unknown[] }> };
      assert.equal(v.num_connections, 400);
      assert.equal(v.total, 400);
      assert.ok(v.connections.every((c) => c.subscriptions_list_detail.length === 10));
      assert.match(text, /^\{\n {2}"server_id": /, 'indented as nats-server');
    }
    const subs = JSON.parse(s1) as { total: number; subscriptions_list: unknown[] };
    assert.ok(subs.total >= 4000, 'the clients\' subscriptions and the system account\'s');
    assert.equal(subs.subscriptions_list.length, subs.total);

    const jsonp = await fetch(`${base}/connz?subs=1&callback=cb`);
    assert.match(jsonp.headers.get('content-type') ?? '', /application\/javascript/);
    const body = await jsonp.text();
    assert.ok(body.startsWith('cb(') && body.endsWith(')'));
    assert.equal((JSON.parse(body.slice(3, -1)) as { num_connections: number }).num_connections, 400);

    const bad = await fetch(`${base}/connz?sort=nope`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /invalid sorting option/);
    const badSubs = await fetch(`${base}/subsz?subs=1&test=a.*`);
    assert.equal(badSubs.status, 400);
  } finally {
    for (const c of conns) c.close();
    await app.close();
  }
});
