/* The review names the connections a change will close (issue 15 item 6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'nats';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';

const json = (r: { body: string }) => JSON.parse(r.body);

test('adding the first account with users closes anonymous clients; renaming an account closes its clients; both named before Apply', async () => {
  const c = await startConsole('');
  const anon = await connect({ servers: `127.0.0.1:${c.server.port}`, name: 'anon-client', reconnect: false });
  try {
    const admin = await login(c.app, 'admin', 'secret');
    const h = { ...ORIGIN, cookie: admin };
    const base = readFileSync(c.file, 'utf8');
    const withA = `${base}accounts { A { users: [ { user: a, password: a } ] } }\n`;
    const r1 = json(await c.app.inject({ method: 'POST', url: '/api/config/review', headers: h, payload: { text: withA } }));
    assert.deepEqual(
      r1.closes.map((x: { name: string; certain: boolean }) => [x.name, x.certain]),
      [['anon-client', true]],
    );
    assert.match(r1.closes[0].reason, /without credentials/);
    // A change that leaves who may connect alone closes nothing.
    const r0 = json(await c.app.inject({ method: 'POST', url: '/api/config/review', headers: h, payload: { text: `${base}max_payload: 2048\n` } }));
    assert.deepEqual(r0.closes, []);

    const rev = json(await c.app.inject({ url: '/api/config', headers: h })).revision;
    const put = await c.app.inject({ method: 'PUT', url: '/api/config', headers: { ...h, 'if-match': rev }, payload: { text: withA } });
    assert.equal(put.statusCode, 200, put.body);
    await anon.closed();
    const a = await connect({ servers: `127.0.0.1:${c.server.port}`, name: 'a-client', user: 'a', pass: 'a', reconnect: false });
    try {
      await a.flush();
      const renamed = withA.replace('accounts { A {', 'accounts { B {');
      const r2 = json(await c.app.inject({ method: 'POST', url: '/api/config/review', headers: h, payload: { text: renamed } }));
      assert.equal(r2.closes.length, 1);
      assert.equal(r2.closes[0].name, 'a-client');
      assert.match(r2.closes[0].reason, /moves from account A to B/);
    } finally {
      await a.close();
    }
  } finally {
    await anon.close().catch(() => undefined);
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});

test('/api/connz filters by subscription (filter_subject with acc), which /connz ignores as nats-server does', async () => {
  const c = await startConsole('accounts { A { users: [ { user: a, password: a } ] } }\n');
  const x = await connect({ servers: `127.0.0.1:${c.server.port}`, name: 'orders', user: 'a', pass: 'a' });
  const y = await connect({ servers: `127.0.0.1:${c.server.port}`, name: 'billing', user: 'a', pass: 'a' });
  try {
    x.subscribe('orders.>');
    y.subscribe('billing.*');
    await Promise.all([x.flush(), y.flush()]);
    const cookie = await login(c.app, 'admin', 'secret');
    const names = async (url: string) => json(await c.app.inject({ url, headers: { cookie } })).connections.map((k: { name: string }) => k.name).sort();
    assert.deepEqual(await names('/api/connz?acc=A&filter_subject=orders.new'), ['orders']);
    assert.deepEqual(await names('/api/connz?acc=A&filter_subject=billing.x'), ['billing']);
    assert.deepEqual(await names('/api/connz?acc=A&filter_subject=none'), []);
    assert.deepEqual(await names('/connz?acc=A&filter_subject=orders.new'), ['billing', 'orders']);
    assert.equal((await c.app.inject({ url: '/api/connz?filter_subject=orders.new', headers: { cookie } })).statusCode, 400);
  } finally {
    await x.close();
    await y.close();
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});
