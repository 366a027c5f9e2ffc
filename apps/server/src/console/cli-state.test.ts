/* The CLI's HTTP side and console state: -m alone keeps no state; --data_dir holds it; starts never race or die on it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { startProcess, waitFor, waitForOutput, type ProcServer } from '../../../../test/helpers/servers.js';

async function monitorURL(p: ProcServer): Promise<string> {
  let url = '';
  await waitFor(() => {
    const m = /Starting http monitor on (http:\/\/\S+)/.exec(p.output());
    if (m) url = m[1];
    return !!m;
  }, 20_000, 'monitor URL');
  return url;
}

const login = (base: string) =>
  fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(base).origin }, body: JSON.stringify({ user: 'admin', password: 'cli-secret' }) });

/** Starts `n` servers at once; stops every one that started, also on failure. */
async function startMany(n: number, args: string[], opts: Parameters<typeof startProcess>[2]): Promise<ProcServer[]> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => startProcess('switchboard', args, opts)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  if (failed.length > 0) {
    await Promise.all(started.map((p) => p.stop()));
    assert.fail(`${failed.length} of ${n} servers did not start:\n${failed.join('\n')}`);
  }
  return started;
}

test('-m without --data_dir: several servers in one directory serve monitoring only and write nothing there', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sb-cwd-'));
  const servers = await startMany(3, ['-m', '-1'], { cwd });
  try {
    for (const p of servers) {
      const base = await monitorURL(p);
      assert.equal((await fetch(`${base}/varz`)).status, 200);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/metrics`)).status, 200);
      assert.equal((await login(base)).status, 404, 'no admin API without a data dir');
      await waitForOutput(p, /Admin console off \(monitoring endpoints only\); start with --data_dir/);
    }
    assert.deepEqual(readdirSync(cwd), [], 'nothing written in the working directory');
  } finally {
    await Promise.all(servers.map((p) => p.stop()));
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('--data_dir: servers started at once on one fresh data dir all come up with the one admin', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-race-'));
  const env = { ...process.env, SWITCHBOARD_ADMIN_PASSWORD: 'cli-secret' };
  const servers = await startMany(4, ['-m', '-1', '--data_dir', join(dir, 'data')], { cwd: dir, env });
  try {
    for (const p of servers) {
      const base = await monitorURL(p);
      const r = await login(base);
      assert.equal(r.status, 200, await r.text());
      await waitForOutput(p, /Admin console on http:\/\/\S+ \(state in /);
      assert.doesNotMatch(p.output(), /cannot start|UNIQUE constraint/);
    }
    const created = servers.filter((p) => /created user "admin"/.test(p.output()));
    assert.equal(created.length, 1, 'exactly one server created the admin');
  } finally {
    await Promise.all(servers.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt console.db: the broker starts and serves clients, the console says why it is off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-corrupt-'));
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  writeFileSync(join(data, 'console.db'), 'this is not a database '.repeat(100));
  const p = await startProcess('switchboard', ['-m', '-1', '--data_dir', data], { cwd: dir });
  try {
    const base = await monitorURL(p);
    const nc = await connect({ servers: p.url });
    await nc.flush();
    await nc.close();
    assert.equal((await fetch(`${base}/varz`)).status, 200);
    const r = await login(base);
    assert.equal(r.status, 503);
    const body = (await r.json()) as { code: string; message: string };
    assert.equal(body.code, 'CONSOLE_UNAVAILABLE');
    assert.match(body.message, /corrupt or unreadable/);
    await waitForOutput(p, /\[ERR\] Console: the admin console is off.*corrupt or unreadable/);
    assert.match(readFileSync(join(data, 'console.db'), 'utf8'), /not a database/);
    assert.ok(existsSync(join(data, 'console.db')));
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('console flags: --data_dir, --trust_proxy (true or addresses), --max_revisions', async () => {
  const { parseFlags } = await import('../flags.js');
  assert.deepEqual(parseFlags(['--data_dir', '/d', '--trust_proxy', 'true', '--max_revisions', '7']), { unsupported: [], dataDir: '/d', trustProxy: true, maxRevisions: 7 });
  assert.equal(parseFlags(['--trust_proxy=10.0.0.1,10.0.0.2']).trustProxy, '10.0.0.1,10.0.0.2');
  assert.equal(parseFlags(['--trust_proxy', 'false']).trustProxy, false);
});
