/*
 * GET /api/gateways/remotes: what the gateway module knows of each remote cluster it dials and
 * /gatewayz does not say — retrying, how many attempts, the last error (issue 13's console).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { login, startConsole } from '../../../../test/helpers/console.js';
import { waitFor } from '../../../../test/helpers/servers.js';
import { freePort } from '../../../../test/cluster/ports.js';

/** A port nothing listens on: free now, below the ephemeral range, so no other test's listen(0) takes it. */
const deadPort = freePort;

test('a remote cluster that does not answer shows as retrying with its last error; anonymous requests are refused', async () => {
  const port = await deadPort();
  const c = await startConsole(`gateway { name: EAST, host: 127.0.0.1, port: -1, gateways: [ { name: WEST, url: "nats://127.0.0.1:${port}" } ] }\n`);
  try {
    const admin = await login(c.app, 'admin', 'secret');
    let body: { enabled: boolean; remotes: { name: string; state: string; attempts: number; lastError: string | null; urls: string[] }[] } = { enabled: false, remotes: [] };
    await waitFor(
      async () => {
        const r = await c.app.inject({ url: '/api/gateways/remotes', headers: { cookie: admin } });
        assert.equal(r.statusCode, 200, r.body);
        body = JSON.parse(r.body);
        return body.remotes[0]?.lastError != null;
      },
      20_000,
      'a last error for WEST',
    );
    assert.equal(body.enabled, true);
    assert.equal(body.remotes.length, 1);
    const west = body.remotes[0]!;
    assert.equal(west.name, 'WEST');
    assert.equal(west.state, 'retrying');
    assert.ok(west.attempts >= 1);
    assert.match(west.lastError ?? '', /ECONNREFUSED|refused/);
    assert.deepEqual(west.urls, [`127.0.0.1:${port}`]);

    const anon = await c.app.inject({ url: '/api/gateways/remotes' });
    assert.equal(anon.statusCode, 401);
  } finally {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});

test('without a gateway block the list is empty and says gateways are off', async () => {
  const c = await startConsole('');
  try {
    const admin = await login(c.app, 'admin', 'secret');
    const r = await c.app.inject({ url: '/api/gateways/remotes', headers: { cookie: admin } });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(JSON.parse(r.body), { enabled: false, remotes: [] });
  } finally {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});
