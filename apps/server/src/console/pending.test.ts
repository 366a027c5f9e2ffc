/*
 * Changes the server cannot reload (gateway, cluster listener, server name) are saved to the file
 * and apply at the next restart; the console tells the running revision from the one on disk,
 * and a review never writes [ERR] to the server log. Issue 15 items 5 and 7.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';

const json = (r: { body: string }) => JSON.parse(r.body);

test('a gateway change is saved for the next restart: pending vs running shown, review logs no [ERR]', async () => {
  const c = await startConsole('accounts { A { users: [ { user: a, password: a } ] } }\n');
  try {
    const admin = await login(c.app, 'admin', 'secret');
    const cfg = json(await c.app.inject({ url: '/api/config', headers: { cookie: admin } }));
    assert.equal(cfg.running, cfg.revision);
    assert.equal(cfg.pending, undefined);
    const h = { ...ORIGIN, cookie: admin, 'if-match': cfg.revision };

    // Review: the change is marked as needing a restart, is not refused, and the log stays clean.
    const text = readFileSync(c.file, 'utf8') + 'gateway { name: X, port: -1 }\n';
    const review = json(await c.app.inject({ method: 'POST', url: '/api/config/review', headers: h, payload: { text } }));
    assert.equal(review.restartRequired, true);
    assert.deepEqual(review.errors, []);
    assert.ok(review.changes.some((ch: { path: string; hot: boolean }) => ch.path.startsWith('gateway') && !ch.hot));
    assert.deepEqual(c.logs.filter((l) => l.includes('[ERR]')), []);

    // Apply: written, not reloaded.
    const put = await c.app.inject({ method: 'PUT', url: '/api/config', headers: h, payload: { text } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(json(put).appliesAtRestart, true);
    assert.match(readFileSync(c.file, 'utf8'), /gateway \{ name: X/);
    assert.equal(c.server.opts.gateway, undefined, 'the running server has no gateway until restarted');

    const after = json(await c.app.inject({ url: '/api/config', headers: { cookie: admin } }));
    assert.equal(after.revision, json(put).revision);
    assert.equal(after.running, cfg.revision);
    assert.ok(after.pending.some((ch: { path: string }) => ch.path.startsWith('gateway')));
    const revs = json(await c.app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
    assert.equal(revs.current, after.revision);
    assert.equal(revs.running, cfg.revision);
    const audit = json(await c.app.inject({ url: '/api/audit?action=config.apply', headers: { cookie: admin } }));
    assert.match(audit.entries[0].detail, /applies at the next restart: gateway/);
    assert.deepEqual(c.logs.filter((l) => l.includes('[ERR]')), []);
  } finally {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});

test('a file on disk that fails to load is not what runs: the revision list says why', async () => {
  const c = await startConsole('');
  try {
    const admin = await login(c.app, 'admin', 'secret');
    const before = json(await c.app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
    writeFileSync(c.file, readFileSync(c.file, 'utf8') + 'max_payload: "lots"\n');
    const reload = await c.app.inject({ method: 'POST', url: '/api/ops/reload', headers: { ...ORIGIN, cookie: admin } });
    assert.equal(reload.statusCode, 422);
    assert.match(json(reload).errors[0], /server\.conf:\d+:\d+/);
    const revs = json(await c.app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
    assert.notEqual(revs.current, revs.running);
    assert.equal(revs.running, before.current);
    assert.match(revs.diskErrors.join('\n'), /server\.conf:\d+:\d+/);
  } finally {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});
