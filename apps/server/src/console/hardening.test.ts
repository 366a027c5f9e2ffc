/* Hardening of the console's HTTP side: CSRF on the routed path, login limits, bodies, names, headers, static files. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { connect } from 'nats';
import type { LightMyRequestResponse } from 'fastify';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';

const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;
const FOREIGN = { origin: 'http://evil.example', host: 'localhost:80' };

describe('CSRF: the Origin check is decided on the routed path', () => {
  let ctx: Awaited<ReturnType<typeof startConsole>>;
  let admin: string;
  before(async () => {
    ctx = await startConsole();
    admin = await login(ctx.app, 'admin', 'secret');
  });
  after(async () => {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  test('no spelling of POST /api/ops/lame-duck with a foreign Origin and the admin cookie puts the server in lame duck', async () => {
    const variants = [
      '/api/ops/lame-duck',
      '/%61pi/ops/lame-duck',
      '/%61%70%69/ops/lame-duck',
      '/%41PI/ops/lame-duck',
      '/api/%6Fps/lame-duck',
      '/api/ops/lame%2Dduck',
      '/api/ops/%6c%61%6d%65-duck',
      '/%2561pi/ops/lame-duck',
      '//api/ops/lame-duck',
      '/api//ops/lame-duck',
      '/./api/ops/lame-duck',
      '/x/../api/ops/lame-duck',
      '/api/ops/lame-duck/',
      '/api/ops/lame-duck?x=1',
      '/api/ops/lame-duck;x=1',
    ];
    for (const url of variants) {
      const r = await ctx.app.inject({ method: 'POST', url, headers: { ...FOREIGN, cookie: admin } });
      assert.ok(r.statusCode >= 400, `${url}: ${r.statusCode} ${r.body}`);
      assert.equal(ctx.server.isLameDuck, false, `${url} put the server in lame duck`);
    }
    const encoded = await ctx.app.inject({ method: 'POST', url: '/%61pi/ops/lame-duck', headers: { ...FOREIGN, cookie: admin } });
    assert.equal(json(encoded).code, 'CSRF_REJECTED');
    // The router does take the encoded spelling: from the console's own origin it works.
    const same = await ctx.app.inject({ method: 'POST', url: '/%61pi/ops/lame-duck', headers: { ...ORIGIN, cookie: admin } });
    assert.equal(same.statusCode, 202, same.body);
    assert.equal(ctx.server.isLameDuck, true);
  });
});

describe('login limits per user name and client address', () => {
  const attempt = (ctx: Awaited<ReturnType<typeof startConsole>>, user: string, password: string, xff?: string) =>
    ctx.app.inject({ method: 'POST', url: '/api/login', headers: { ...ORIGIN, ...(xff ? { 'x-forwarded-for': xff } : {}) }, payload: { user, password } });

  test('behind a proxy (trustProxy): one client guessing the admin password does not lock out the admin elsewhere', async () => {
    const ctx = await startConsole('', { loginAttemptsPerMinute: 3, trustProxy: true });
    try {
      ctx.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
      for (let i = 0; i < 3; i++) assert.equal((await attempt(ctx, 'admin', 'guess', '203.0.113.9')).statusCode, 401);
      const limited = await attempt(ctx, 'admin', 'secret', '203.0.113.9');
      assert.equal(limited.statusCode, 429);
      assert.equal(json(limited).code, 'RATE_LIMITED');
      assert.equal((await attempt(ctx, 'admin', 'secret', '198.51.100.7')).statusCode, 200, 'the admin from another client');
      assert.equal((await attempt(ctx, 'vic', 'viewerpw', '203.0.113.9')).statusCode, 200, 'another user from the same client');
      const audit = ctx.app.consoleContext.audit.query({ limit: 10, offset: 0, action: 'login', outcome: 'ok' });
      assert.ok(audit.entries.some((e) => e.ip === '198.51.100.7'), 'the audit log has the client address');
    } finally {
      await ctx.app.close();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  test('without trustProxy, X-Forwarded-For is ignored; the limit still holds per user name', async () => {
    const ctx = await startConsole('', { loginAttemptsPerMinute: 3 });
    try {
      ctx.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
      for (let i = 0; i < 3; i++) await attempt(ctx, 'admin', 'guess', `203.0.113.${i}`);
      assert.equal((await attempt(ctx, 'admin', 'secret', '198.51.100.7')).statusCode, 429, 'a forged X-Forwarded-For does not reset the limit');
      assert.equal((await attempt(ctx, 'vic', 'viewerpw')).statusCode, 200);
    } finally {
      await ctx.app.close();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });
});

describe('requests: 413, 401 first, validation names the field, user data as names', () => {
  let ctx: Awaited<ReturnType<typeof startConsole>>;
  let admin: string;
  before(async () => {
    ctx = await startConsole('accounts { A { users [{user: a, password: a}] } }\n');
    admin = await login(ctx.app, 'admin', 'secret');
  });
  after(async () => {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  test('a body over the limit gets 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await ctx.app.inject({ method: 'POST', url: '/api/config/validate', headers: { ...ORIGIN, cookie: admin, 'content-type': 'application/json' }, payload: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }) });
    assert.equal(r.statusCode, 413, r.body);
    assert.equal(json(r).code, 'PAYLOAD_TOO_LARGE');
  });

  test('an anonymous request gets 401 before its body is parsed or validated', async () => {
    for (const payload of ['{"name": ', JSON.stringify({ name: 'has space' }), JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) })]) {
      const r = await ctx.app.inject({ method: 'POST', url: '/api/accounts', headers: { ...ORIGIN, 'content-type': 'application/json' }, payload });
      assert.equal(r.statusCode, 401, r.body.slice(0, 200));
      assert.equal(json(r).code, 'UNAUTHENTICATED');
    }
  });

  test('a bad body is a 400 VALIDATION_FAILED naming the field, in the catalogue shape', async () => {
    const r = await ctx.app.inject({ method: 'POST', url: '/api/accounts', headers: { ...ORIGIN, cookie: admin }, payload: { name: 'has space' } });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(Object.keys(json(r)).sort(), ['code', 'issues', 'message', 'statusCode']);
    assert.equal(json(r).code, 'VALIDATION_FAILED');
    assert.equal(json(r).issues[0].path, 'body.name');
    assert.match(json(r).message, /^invalid body\.name: /);
    const q = await ctx.app.inject({ url: '/api/config/revisions?limit=0', headers: { cookie: admin } });
    assert.equal(json(q).issues[0].path, 'query.limit');
    const p = await ctx.app.inject({ url: '/api/accounts/a.b', headers: { cookie: admin } });
    assert.equal(json(p).issues[0].path, 'params.name');
  });

  test('accounts named constructor, __proto__, toString or hasOwnProperty are accounts like any other', async () => {
    const h = { ...ORIGIN, cookie: admin };
    for (const [i, name] of ['constructor', '__proto__', 'toString', 'hasOwnProperty'].entries()) {
      const missing = await ctx.app.inject({ url: `/api/accounts/${name}`, headers: h });
      assert.equal(json(missing).code, 'ACCOUNT_NOT_FOUND', `${name} before it exists: ${missing.body}`);
      const created = await ctx.app.inject({ method: 'POST', url: '/api/accounts', headers: h, payload: { name, account: { users: [{ user: `u${i}`, password: `p${i}-password` }] } } });
      assert.equal(created.statusCode, 201, `${name}: ${created.body}`);
      const got = await ctx.app.inject({ url: `/api/accounts/${name}`, headers: h });
      assert.equal(got.statusCode, 200, got.body);
      assert.equal(json(got).account.users[0].user, `u${i}`);
      const nc = await connect({ servers: `127.0.0.1:${ctx.server.port}`, user: `u${i}`, pass: `p${i}-password` });
      await nc.flush();
      await nc.close();
      const exp = await ctx.app.inject({ method: 'PUT', url: `/api/accounts/${name}/exports`, headers: h, payload: { exports: [{ stream: `s${i}.>` }] } });
      assert.equal(exp.statusCode, 200, exp.body);
    }
    const list = json(await ctx.app.inject({ url: '/api/accounts', headers: h }));
    assert.deepEqual(list.accounts.map((a: { name: string }) => a.name).sort(), ['A', '__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    const del = await ctx.app.inject({ method: 'DELETE', url: '/api/accounts/__proto__', headers: h });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal(json(await ctx.app.inject({ url: '/api/accounts/__proto__', headers: h })).code, 'ACCOUNT_NOT_FOUND');
  });
});

/** A web build: index.html, a hashed asset (with its source map), and a non-hashed file. */
function fakeWebDir(): { dir: string; js: string } {
  const dir = mkdtempSync(join(tmpdir(), 'console-web-'));
  mkdirSync(join(dir, 'assets'));
  const js = `console.log(${JSON.stringify('switchboard '.repeat(500))});\n//# sourceMappingURL=index-AbCd1234.js.map\n`;
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Switchboard console</title><script type="module" src="/assets/index-AbCd1234.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), js);
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js.map'), '{"version":3,"sources":[],"mappings":""}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return { dir, js };
}

describe('responses: security headers, static files compressed and cached, no source maps', () => {
  let ctx: Awaited<ReturnType<typeof startConsole>>;
  let web: ReturnType<typeof fakeWebDir>;
  let admin: string;
  before(async () => {
    web = fakeWebDir();
    ctx = await startConsole('', { webDir: web.dir });
    admin = await login(ctx.app, 'admin', 'secret');
  });
  after(async () => {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
    rmSync(web.dir, { recursive: true, force: true });
  });

  test('every response carries CSP, X-Frame-Options and nosniff (also errors, monitoring and the event stream)', async () => {
    const check = (what: string, h: Record<string, unknown>) => {
      assert.match(String(h['content-security-policy']), /default-src 'self'/, what);
      assert.match(String(h['content-security-policy']), /frame-ancestors 'none'/, what);
      assert.equal(h['x-frame-options'], 'DENY', what);
      assert.equal(h['x-content-type-options'], 'nosniff', what);
    };
    const requests = [
      { url: '/' },
      { url: '/overview' },
      { url: '/assets/index-AbCd1234.js' },
      { url: '/varz' },
      { url: '/connz?sort=nope' },
      { url: '/metrics' },
      { url: '/api/me' },
      { url: '/api/me', headers: { cookie: admin } },
      { url: '/api/nope', headers: { cookie: admin } },
      { url: '/api/openapi.json' },
      { method: 'POST' as const, url: '/api/login', headers: ORIGIN, payload: { user: 'admin' } },
      { method: 'DELETE' as const, url: '/nothing' },
    ];
    for (const r of requests) check(r.url, (await ctx.app.inject(r)).headers);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (ctx.app.server.address() as { port: number }).port;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie: admin } });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    check('/api/events', res.headers);
    res.destroy();
  });

  test('hashed assets: brotli or gzip, cached a year as immutable; index.html and app routes: no-cache', async () => {
    const br = await ctx.app.inject({ url: '/assets/index-AbCd1234.js', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), web.js);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    const gz = await ctx.app.inject({ url: '/assets/index-AbCd1234.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), web.js);
    const plain = await ctx.app.inject({ url: '/assets/index-AbCd1234.js' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, web.js);
    for (const url of ['/', '/index.html', '/accounts/A', '/favicon.svg']) {
      const r = await ctx.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
    }
    assert.match((await ctx.app.inject('/accounts/A')).body, /Switchboard console/);
  });

  test('source maps are not served unless asked for; missing files are 404, not the app', async () => {
    const map = await ctx.app.inject('/assets/index-AbCd1234.js.map');
    assert.equal(map.statusCode, 404);
    assert.equal((await ctx.app.inject('/assets/nope-AbCd1234.js')).statusCode, 404);
    const withMaps = await startConsole('', { webDir: web.dir, sourceMaps: true });
    try {
      const r = await withMaps.app.inject('/assets/index-AbCd1234.js.map');
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /"version":3/);
    } finally {
      await withMaps.app.close();
      rmSync(withMaps.dir, { recursive: true, force: true });
    }
  });
});

test('a failing STATSZ history write is logged (once), and its recovery', async () => {
  const ctx = await startConsole();
  try {
    const { sampler, db } = ctx.app.consoleContext;
    db.exec('ALTER TABLE stats RENAME TO stats_away');
    await sampler.tick();
    await sampler.tick();
    const failures = ctx.consoleLogs.filter((l) => /cannot store STATSZ history/.test(l));
    assert.equal(failures.length, 1, ctx.consoleLogs.join('\n'));
    assert.match(failures[0], /no such table: stats/);
    db.exec('ALTER TABLE stats_away RENAME TO stats');
    await sampler.tick();
    assert.ok(ctx.consoleLogs.some((l) => /STATSZ history is stored again/.test(l)), ctx.consoleLogs.join('\n'));
  } finally {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  }
});
