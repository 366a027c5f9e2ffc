/**
 * The gateway block at start: nats-server's refusals (no name, no port, a remote without a URL)
 * with the same message from both servers, and gateway TLS refused by Switchboard.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer } from '@switchboard/broker';
import { ROOT, natsServerAvailable } from '../helpers/servers.js';

const SWITCHBOARD = join(ROOT, 'apps/server/bin/switchboard.js');

function start(cmd: string, conf: string): { code: number | null; out: string } {
  const argv = cmd === 'nats-server' ? ['-a', '127.0.0.1', '-p', '-1', '-c', conf] : [SWITCHBOARD, '-a', '127.0.0.1', '-p', '-1', '-c', conf];
  const r = spawnSync(cmd === 'nats-server' ? 'nats-server' : process.execPath, argv, { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

const CASES: Array<[string, string]> = [
  ['gateway {\n  name: X\n}\n', 'gateway "X" has no port specified (select -1 for random port)'],
  ['gateway {\n  port: -1\n}\n', 'gateway has no name'],
  ['gateway {\n  name: X\n  port: -1\n  gateways: [{name: Y}]\n}\n', 'gateway "Y" has no URL'],
  ['cluster {\n  name: A\n  port: -1\n}\ngateway {\n  name: B\n  port: -1\n}\n', 'cluster name conflicts between cluster and gateway definitions'],
];

describe('gateway block at start', () => {
  for (const [text, message] of CASES) {
    test(`refused like nats-server: ${message}`, { skip: !natsServerAvailable() }, () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-conf-'));
      const conf = join(dir, 'server.conf');
      writeFileSync(conf, text);
      const ns = start('nats-server', conf);
      const sb = start('switchboard', conf);
      assert.equal(ns.code, 1, ns.out);
      assert.equal(sb.code, 1, sb.out);
      assert.equal(ns.out, `nats-server: ${message}`);
      assert.equal(sb.out, `switchboard: ${message}`);
    });
  }

  test('a gateway port in use ends the process, as nats-server', { skip: !natsServerAvailable() }, async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gw-conf-'));
      const conf = join(dir, 'server.conf');
      writeFileSync(conf, `gateway {\n  name: X\n  listen: "127.0.0.1:${port}"\n}\n`);
      for (const cmd of ['nats-server', 'switchboard']) {
        const r = start(cmd, conf);
        assert.notEqual(r.code, 0, r.out);
        assert.match(r.out, new RegExp(`Error listening on gateway port: ${port} - `), cmd);
      }
    } finally {
      blocker.close();
    }
  });

  test('gateway TLS with unreadable certificate files is refused at start, for the block and per remote', () => {
    assert.throws(() => createServer({ gateway: { name: 'X', port: -1, tls: { certFile: '/nonexistent/a.pem', keyFile: '/nonexistent/b.pem' } } }), /gateway tls: error reading certificate \/nonexistent\/a\.pem/);
    assert.throws(
      () => createServer({ gateway: { name: 'X', port: -1, gateways: [{ name: 'Y', urls: ['nats://127.0.0.1:1'], tls: { certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/d.pem' } }] } }),
      /gateway "Y" tls: error reading certificate \/nonexistent\/c\.pem/,
    );
  });
});
