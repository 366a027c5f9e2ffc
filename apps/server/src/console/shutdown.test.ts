/*
 * The console's process ends when it should: close() does not wait for a client that stops
 * reading, SIGTERM ends the CLI even then, and lame duck mode entered from the console ends the
 * process as `--signal ldm` does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { startProcess, waitFor } from '../../../../test/helpers/servers.js';
import { startConsole } from '../../../../test/helpers/console.js';

/** Sends a GET for `path` on a raw socket and never reads the answer (the socket is paused). */
function requestWithoutReading(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(port, '127.0.0.1', () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
      // Read the first bytes (the answer started), then stop reading.
      s.once('data', () => {
        s.pause();
        resolve(s);
      });
    });
    s.on('error', reject);
  });
}

function bigWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  // Far more than the socket buffers hold: the response cannot finish while nobody reads.
  writeFileSync(join(dir, 'assets', 'big-AbCdEfGh.js'), Buffer.alloc(48 * 1024 * 1024, 'x'));
  return dir;
}

test('close() ends while an HTTP client holds an unread response', async () => {
  const webDir = bigWebDir();
  const c = await startConsole('', { webDir });
  try {
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = c.app.server.address();
    assert.ok(addr && typeof addr === 'object');
    const sock = await requestWithoutReading(addr.port, '/assets/big-AbCdEfGh.js');
    let closed = false;
    void c.app.close().then(() => (closed = true));
    await waitFor(() => closed, 10_000, 'close() to finish');
    assert.equal(c.server.isRunning, false);
    sock.destroy();
  } finally {
    rmSync(webDir, { recursive: true, force: true });
    rmSync(c.dir, { recursive: true, force: true });
  }
});

/** The CLI with the console on a random port; returns its base URL and a logged-in cookie. */
async function startCli(conf: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'console-exit-'));
  const file = join(dir, 's.conf');
  writeFileSync(file, conf);
  const p = await startProcess('switchboard', ['-c', file, '-m', '-1', '--data_dir', join(dir, 'data')], { env: { ...process.env, SWITCHBOARD_ADMIN_PASSWORD: 'exit-secret', ...env } });
  let base = '';
  await waitFor(() => {
    const m = /Starting http monitor on (http:\/\/\S+)/.exec(p.output());
    if (m) base = m[1];
    return !!m;
  }, 10_000, 'monitor URL');
  let exitCode: number | null = null;
  let exited = false;
  // 'close' comes after the last of the output has been read from the pipes.
  p.proc.on('close', (code) => {
    exited = true;
    exitCode = code;
  });
  const origin = new URL(base).origin;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ user: 'admin', password: 'exit-secret' }) });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  return {
    p,
    dir,
    base,
    origin,
    cookie,
    exited: () => exited,
    exitCode: () => exitCode,
    cleanup: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('lame duck mode entered from the console ends the process (exit 0), as --signal ldm', async () => {
  const cli = await startCli('lame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\n');
  try {
    const nc = await connect({ servers: cli.p.url, reconnect: false });
    const closed = nc.closed();
    const r = await fetch(`${cli.base}/api/ops/lame-duck`, { method: 'POST', headers: { 'content-type': 'application/json', origin: cli.origin, cookie: cli.cookie }, body: '{}' });
    assert.equal(r.status, 202);
    await closed;
    await waitFor(() => cli.exited(), 30_000, 'the process to exit after lame duck');
    assert.equal(cli.exitCode(), 0);
    assert.match(cli.p.output(), /Entering lame duck mode/);
    assert.match(cli.p.output(), /Server Exiting/);
    assert.doesNotMatch(cli.p.output(), /Ignoring SIGTERM/);
  } finally {
    await cli.cleanup();
  }
});

test('SIGTERM ends the CLI while an HTTP client holds an unread response', async () => {
  const webDir = bigWebDir();
  const cli = await startCli('', { SWITCHBOARD_WEB_DIR: webDir });
  try {
    const port = Number(new URL(cli.base).port);
    // The web build of the checkout: its JS bundle, or the test's big asset when the CLI serves webDir.
    const sock = await requestWithoutReading(port, '/assets/big-AbCdEfGh.js');
    cli.p.proc.kill('SIGTERM');
    await waitFor(() => cli.exited(), 15_000, 'the process to exit after SIGTERM');
    assert.equal(cli.exitCode(), 1);
    sock.destroy();
  } finally {
    await cli.cleanup();
    rmSync(webDir, { recursive: true, force: true });
  }
});

test('SIGTERM during lame duck mode stops the process at once (a service manager never waits out the duration)', async () => {
  const cli = await startCli('lame_duck_duration: "120s"\nlame_duck_grace_period: "60s"\n');
  try {
    const nc = await connect({ servers: cli.p.url, reconnect: false });
    const closed = nc.closed();
    const r = await fetch(`${cli.base}/api/ops/lame-duck`, { method: 'POST', headers: { 'content-type': 'application/json', origin: cli.origin, cookie: cli.cookie }, body: '{}' });
    assert.equal(r.status, 202);
    await waitFor(() => /Entering lame duck mode/.test(cli.p.output()), 10_000, 'lame duck to start');
    cli.p.proc.kill('SIGTERM');
    await closed;
    await waitFor(() => cli.exited(), 15_000, 'the process to exit after SIGTERM in lame duck mode');
    assert.equal(cli.exitCode(), 1);
    assert.match(cli.p.output(), /Server Exiting/);
  } finally {
    await cli.cleanup();
  }
});
