/**
 * The `switchboard` command in a checkout: `npx switchboard` runs it, its files are executable, and
 * started through a `nats-server` symlink found on the PATH (as client test harnesses start
 * nats-server) it names its ports file `nats-server_<pid>.ports`, as nats-server does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { ROOT, waitFor } from '../helpers/servers.js';
import { cleanEnv, startCommand } from './procs.js';

const BIN = join(ROOT, 'apps/server/bin/switchboard.js');
const sc = StringCodec();

test('`npx switchboard` in the checkout runs the command', () => {
  const r = spawnSync('npx', ['--no-install', 'switchboard', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: cleanEnv() });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^switchboard: v\d+\.\d+\.\d+ \(nats-server v2\.9\.10 protocol\)$/m);
});

test('the command, the bundle and dist/cli.js are executable files with a shebang', () => {
  for (const rel of ['apps/server/bin/switchboard.js', 'apps/server/dist/switchboard.js', 'apps/server/dist/cli.js']) {
    const path = join(ROOT, rel);
    assert.ok((statSync(path).mode & 0o111) === 0o111, `${rel} is executable by all`);
    assert.ok(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n'), `${rel} starts with a node shebang`);
  }
  const r = spawnSync(join(ROOT, 'apps/server/dist/cli.js'), ['-v'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^switchboard: v/);
});

test('run as `switchboard`, the ports file is switchboard_<pid>.ports', async () => {
  const s = await startCommand(BIN, []);
  try {
    assert.equal(s.portsFileName, `switchboard_${s.pid}.ports`);
  } finally {
    await s.stop();
  }
});

test('started as `nats-server` from the PATH through a symlink, the ports file is nats-server_<pid>.ports', async () => {
  const binDir = mkdtempSync(join(tmpdir(), 'sb-dropin-'));
  symlinkSync(BIN, join(binDir, 'nats-server'));
  // The symlink comes first on the PATH, ahead of any installed nats-server.
  const env = cleanEnv();
  env.PATH = `${binDir}:${env.PATH}`;
  const s = await startCommand('nats-server', [], { env });
  try {
    assert.equal(s.portsFileName, `nats-server_${s.pid}.ports`);
    await waitFor(() => /\[INF\] Server is ready/.test(s.output()), 10_000, 'the ready line');
    // It is Switchboard that answers, and it serves clients.
    const nc = await connect({ servers: `127.0.0.1:${s.natsPort}`, reconnect: false });
    try {
      const sub = nc.subscribe('dropin.check', { max: 1 });
      nc.publish('dropin.check', sc.encode('hello'));
      for await (const m of sub) assert.equal(sc.decode(m.data), 'hello');
    } finally {
      await nc.close();
    }
    const v = spawnSync('nats-server', ['--version'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.match(v.stdout, /^switchboard: v/);
  } finally {
    const { code, signal } = await s.stop();
    assert.equal(signal, null, 'exited by itself on SIGTERM');
    assert.equal(code, 1, 'SIGTERM exit status as nats-server');
  }
});
