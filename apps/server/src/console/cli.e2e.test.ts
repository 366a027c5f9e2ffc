import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { startProcess, waitFor } from '../../../../test/helpers/servers.js';

test('the CLI with -m -1: monitoring, login, change exports through the API, a real client uses them, audited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const conf = join(dir, 's.conf');
  writeFileSync(conf, 'accounts { A { users [{user: a, password: a}] }, B { users [{user: b, password: b}], imports [] } }\n');
  process.env.SWITCHBOARD_ADMIN_PASSWORD = 'e2e-secret';
  const p = await startProcess('switchboard', ['-c', conf, '-m', '-1', '--data_dir', join(dir, 'data')]);
  try {
    let base = '';
    await waitFor(() => {
      const m = /Starting http monitor on (http:\/\/\S+)/.exec(p.output());
      if (m) base = m[1];
      return !!m;
    }, 5000, 'monitor URL');
    const varz = (await (await fetch(`${base}/varz`)).json()) as { port: number };
    assert.equal(varz.port, p.port);
    const connz = (await (await fetch(`${base}/connz`)).json()) as { num_connections: number };
    assert.equal(connz.num_connections, 0);
    const origin = new URL(base).origin;
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ user: 'admin', password: 'e2e-secret' }) });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const put = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', origin, cookie }, body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.clone().text());
      return r.json();
    };
    await put('/api/accounts/A/exports', { exports: [{ service: 'svc.time' }] });
    await put('/api/accounts/B/imports', { imports: [{ service: { account: 'A', subject: 'svc.time' } }] });
    const na = await connect({ servers: p.url, user: 'a', pass: 'a' });
    const nb = await connect({ servers: p.url, user: 'b', pass: 'b' });
    try {
      const sc = StringCodec();
      na.subscribe('svc.time', { callback: (_e, m) => m.respond(sc.encode('noon')) });
      await na.flush();
      const reply = await nb.request('svc.time', sc.encode(''), { timeout: 2000 });
      assert.equal(sc.decode(reply.data), 'noon');
    } finally {
      await na.close();
      await nb.close();
    }
    const audit = (await (await fetch(`${base}/api/audit?action=account.*`, { headers: { cookie } })).json()) as { entries: { action: string; outcome: string; user: string }[] };
    assert.deepEqual(audit.entries.map((e) => `${e.user}:${e.action}:${e.outcome}`), ['admin:account.imports:ok', 'admin:account.exports:ok']);
  } finally {
    await p.stop();
    delete process.env.SWITCHBOARD_ADMIN_PASSWORD;
    rmSync(dir, { recursive: true, force: true });
  }
});
