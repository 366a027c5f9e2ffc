import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import bcrypt from 'bcryptjs';
import { createUser } from '@nats-io/nkeys';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { waitFor } from '../../../../test/helpers/servers.js';

const HASH = bcrypt.hashSync('hashed-user-pw', 4);
const SEED = new TextDecoder().decode(createUser().getSeed());
const SECRETS = {
  a: 'pw-plain-A-4711',
  aNew: 'pw-new-A-9999',
  b: 'pw-plain-B-0815',
  bNew: 'pw-new-B-7777',
  global: 'pw-global-1357',
  wsToken: 'ws-token-5150',
  hash: HASH,
  seed: SEED,
};
const CONF = `accounts {
  A { users [ {user: a, password: "${SECRETS.a}"}, {user: h, password: "${HASH}"} ] }
  B { users [ {user: b, password: "${SECRETS.b}"} ] }
}
authorization { users [ {user: g, password: "${SECRETS.global}"} ] }
leafnodes { remotes [ { url: "nats://127.0.0.1:7422", nkey: "${SEED}" } ] }
websocket { port: 8443, authorization { token: "${SECRETS.wsToken}" } }
`;

/** An SSE reader over real HTTP; `text()` is everything received so far. */
async function openEvents(port: number, cookie: string): Promise<{ text: () => string; close: () => void }> {
  let text = '';
  const req = httpRequest({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.statusCode, 200);
  res.setEncoding('utf8');
  res.on('data', (d: string) => (text += d));
  await waitFor(() => text.includes('event: hello'), 10_000, 'hello');
  return { text: () => text, close: () => res.destroy() };
}

function leaks(where: string, content: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, s]) => content.includes(s))
    .map(([name]) => `${where}: ${name}`);
}

test('a viewer finds no secret in any API route, monitoring endpoint or the event stream; the broker logs none', async () => {
  const ctx = await startConsole(CONF);
  try {
    const { app } = ctx;
    const admin = await login(app, 'admin', 'secret');
    ctx.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
    const viewer = await login(app, 'vic', 'viewerpw');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const viewerEvents = await openEvents(port, viewer);
    const adminEvents = await openEvents(port, admin);

    // Changes whose reload events carry old and new passwords: one through the API, one by SIGHUP's path.
    const put = await app.inject({ method: 'PUT', url: '/api/accounts/A/users', headers: { ...ORIGIN, cookie: admin }, payload: { users: [{ user: 'a', password: SECRETS.aNew }, { user: 'h', password: HASH }] } });
    assert.equal(put.statusCode, 200, put.body);
    writeFileSync(ctx.file, readFileSync(ctx.file, 'utf8').replace(SECRETS.b, SECRETS.bNew));
    const reload = await app.inject({ method: 'POST', url: '/api/ops/reload', headers: { ...ORIGIN, cookie: admin } });
    assert.equal(reload.statusCode, 200, reload.body);
    await waitFor(() => (viewerEvents.text().match(/event: reload/g) ?? []).length >= 2, 10_000, 'two reload events for the viewer');
    await waitFor(() => (adminEvents.text().match(/event: reload/g) ?? []).length >= 2, 10_000, 'two reload events for the admin');

    // Every route of the API, as the viewer, with bodies that would show the old values in a diff.
    const revs = (await app.inject({ url: '/api/config/revisions', headers: { cookie: viewer } })).json() as { revisions: { id: string }[] };
    const first = revs.revisions.at(-1)!.id;
    const openapi = (await app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const changedText = CONF.replace(SECRETS.a, 'pw-probe-1').replace(SECRETS.wsToken, 'tok-probe-2');
    const seen: string[] = [];
    let calls = 0;
    for (const [path, methods] of Object.entries(openapi.paths)) {
      if (path === '/api/events' || path === '/api/logout') continue; // read over HTTP above; the session stays
      for (const method of Object.keys(methods)) {
        const url = path.replace('{name}', 'A').replace('{user}', 'a').replace('{id}', first) + (path === '/api/config/diff' ? `?from=${first}` : '');
        const payload = method === 'get' || method === 'delete' ? undefined : path.startsWith('/api/config') ? { text: changedText } : {};
        const r = await app.inject({ method: method.toUpperCase() as 'GET', url, headers: { ...ORIGIN, cookie: viewer }, payload });
        calls++;
        seen.push(...leaks(`${method.toUpperCase()} ${url} (${r.statusCode})`, r.body + JSON.stringify(r.headers)));
      }
    }
    assert.ok(calls >= 25, `only ${calls} routes called`);
    for (const path of ['/varz', '/connz?auth=1&subs=1', '/routez', '/gatewayz', '/leafz', '/subsz', '/accountz', '/accountz?acc=A', '/accstatz', '/healthz', '/metrics']) {
      const r = await app.inject({ url: path, headers: { cookie: viewer } });
      seen.push(...leaks(`GET ${path}`, r.body));
    }
    seen.push(...leaks('event stream', viewerEvents.text()));
    seen.push(...leaks('broker log', ctx.logs.join('\n')));
    seen.push(...leaks('console log', ctx.consoleLogs.join('\n')));
    assert.deepEqual(seen, [], 'secrets a viewer (or a log file) could read');

    // Not vacuous: the admin does see them (in the events and in a diff of the revisions).
    assert.ok(adminEvents.text().includes(SECRETS.a) && adminEvents.text().includes(SECRETS.aNew), 'the admin stream carries the changed passwords');
    const diff = await app.inject({ url: `/api/config/diff?from=${first}`, headers: { cookie: admin } });
    assert.ok(diff.body.includes(SECRETS.bNew), diff.body);
    const viewerDiff = await app.inject({ url: `/api/config/diff?from=${first}`, headers: { cookie: viewer } });
    assert.match(viewerDiff.body, /\[REDACTED\]/);
    viewerEvents.close();
    adminEvents.close();
  } finally {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  }
});
