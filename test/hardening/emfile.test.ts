/**
 * Out of file descriptors (issue 16, item 1): the `switchboard` process under `ulimit -n 300`
 * gets 600 connection attempts. Accept failures are logged as nats-server logs them, the
 * STATSZ sample taken meanwhile (its memory figure opens /proc) does not throw, the process
 * stays up, and once the attempts are gone a new client is served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect } from 'nats';
import { startProcess, waitFor } from '../helpers/servers.js';

const CONF = `accounts {
  $SYS { users [{user: sys, password: sys}] }
  APP { users [{user: app, password: app}] }
}
no_auth_user: app
`;

/** One connection attempt: resolves with the socket once it is refused or has seen the server's INFO and sent CONNECT. */
function attempt(port: number): Promise<{ socket: Socket; served: boolean }> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    let done = false;
    const finish = (served: boolean) => {
      if (done) return;
      done = true;
      resolve({ socket, served });
    };
    socket.on('data', (d) => {
      if (d.toString('latin1').startsWith('INFO ')) {
        socket.write('CONNECT {"verbose":false,"pedantic":false}\r\n');
        finish(true);
      }
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

test('600 connection attempts under ulimit -n 300: the broker logs, backs off, and serves again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emfile-'));
  const file = join(dir, 'server.conf');
  writeFileSync(file, CONF);
  const proc = await startProcess('switchboard', ['-c', file, '-m', '-1'], { maxFiles: 300 });
  const sockets: Socket[] = [];
  try {
    const sys = await connect({ servers: proc.url, user: 'sys', pass: 'sys' });
    const attempts = await Promise.all(Array.from({ length: 600 }, () => attempt(proc.port)));
    for (const a of attempts) sockets.push(a.socket);
    const served = attempts.filter((a) => a.served).length;
    assert.ok(served < 600, `some attempts found no descriptor (served ${served})`);
    await waitFor(() => /Temporary Client Accept Error\(accept tcp .*too many open files/.test(proc.output()), 20_000, 'the accept error in the log');

    // While the descriptors are exhausted, a STATSZ sample (memory usage opens /proc) is answered.
    const statsz = await sys.request('$SYS.REQ.SERVER.PING.STATSZ', new Uint8Array(0), { timeout: 20_000 });
    const body = statsz.json<{ statsz: { connections: number; mem: number } }>();
    assert.ok(body.statsz.connections >= served, 'the held connections are counted');
    assert.equal(proc.proc.exitCode, null, 'still running');

    for (const s of sockets) s.destroy();
    await waitFor(async () => {
      const r = await sys.request('$SYS.REQ.SERVER.PING.STATSZ', new Uint8Array(0), { timeout: 20_000 });
      return r.json<{ statsz: { connections: number } }>().statsz.connections <= 2;
    }, 30_000, 'the attempts to be gone');

    // A new client is served: a request/reply round trip through the broker.
    const nc = await connect({ servers: proc.url, user: 'app', pass: 'app', timeout: 20_000 });
    try {
      nc.subscribe('echo', { callback: (_e, m) => m.respond(m.data) });
      const r = await nc.request('echo', new TextEncoder().encode('still here'), { timeout: 20_000 });
      assert.equal(new TextDecoder().decode(r.data), 'still here');
    } finally {
      await nc.close();
    }
    await sys.close();
    assert.equal(proc.proc.exitCode, null, 'still running after it all');
    assert.doesNotMatch(proc.output(), /Uncaught|Error: EMFILE\n\s+at /, 'no uncaught exception in the output');
  } finally {
    for (const s of sockets) s.destroy();
    await proc.stop();
  }
});
