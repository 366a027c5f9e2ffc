/*
 * PUT /api/cluster: the routes list and route permissions apply at once (nats-server reloads them);
 * a listener change (port) is saved for the next restart and shows as pending beside the running
 * value; a stale revision is a 409 and a bad body a 400 naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';

const json = (r: { body: string }) => JSON.parse(r.body);

test('cluster block edits: routes and permissions hot, port at next restart, bad body refused', async () => {
  const c = await startConsole('cluster { name: c1, listen: "127.0.0.1:-1" }\n');
  try {
    const admin = await login(c.app, 'admin', 'secret');
    const get = await c.app.inject({ url: '/api/cluster', headers: { cookie: admin } });
    assert.equal(get.statusCode, 200, get.body);
    const start = json(get);
    assert.equal(start.cluster.name, 'c1');
    const port = c.server.opts.cluster?.port;

    // Routes list and permissions: reloaded, running now.
    const hot = { ...start.cluster, routes: ['nats-route://127.0.0.1:4999'], permissions: { import: { deny: ['secret.>'] } } };
    const put = await c.app.inject({ method: 'PUT', url: '/api/cluster', headers: { ...ORIGIN, cookie: admin, 'if-match': start.revision }, payload: { cluster: hot } });
    assert.equal(put.statusCode, 200, put.body);
    assert.notEqual(json(put).appliesAtRestart, true);
    assert.deepEqual(c.server.opts.cluster?.routes, ['nats-route://127.0.0.1:4999']);
    assert.deepEqual(c.server.opts.cluster?.permissions?.import?.deny, ['secret.>']);
    assert.match(readFileSync(c.file, 'utf8'), /4999/);
    const afterHot = json(await c.app.inject({ url: '/api/config', headers: { cookie: admin } }));
    assert.equal(afterHot.pending, undefined);

    // The route port: saved, applies at the next restart; running and saved differ in `pending`.
    const cold = { ...hot, port: 5998 };
    const put2 = await c.app.inject({ method: 'PUT', url: '/api/cluster', headers: { ...ORIGIN, cookie: admin, 'if-match': json(put).revision }, payload: { cluster: cold } });
    assert.equal(put2.statusCode, 200, put2.body);
    assert.equal(json(put2).appliesAtRestart, true);
    assert.equal(c.server.opts.cluster?.port, port, 'the running server keeps its route port');
    const cfg = json(await c.app.inject({ url: '/api/config', headers: { cookie: admin } }));
    const p = cfg.pending.find((ch: { path: string }) => ch.path === 'cluster.port');
    assert.ok(p, JSON.stringify(cfg.pending));
    assert.equal(p.new, 5998);
    assert.equal(p.hot, false);

    // A stale revision is refused; a bad body names the field.
    const stale = await c.app.inject({ method: 'PUT', url: '/api/cluster', headers: { ...ORIGIN, cookie: admin, 'if-match': start.revision }, payload: { cluster: hot } });
    assert.equal(stale.statusCode, 409, stale.body);
    const bad = await c.app.inject({ method: 'PUT', url: '/api/cluster', headers: { ...ORIGIN, cookie: admin }, payload: { cluster: { port: 'x' } } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /port/);

  } finally {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});
