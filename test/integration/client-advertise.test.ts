/**
 * `client_advertise`: the host and port a client's INFO announces (host:port, or a bare host that
 * keeps the listening port), the same as nats-server 2.9.10 on the same flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { natsServerAvailable, startProcess, startEmbedded } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

async function infoOf(port: number): Promise<{ host: string; port: number }> {
  const c = await RawConn.open(port);
  try {
    const line = await c.waitFor(/^INFO (\{.*\}) ?\r\n/m);
    const m = /^INFO (\{.*\}) ?\r\n/m.exec(line)!;
    const info = JSON.parse(m[1]) as { host: string; port: number };
    return { host: info.host, port: info.port };
  } finally {
    c.close();
  }
}

for (const advertise of ['nats.example.com:4333', 'nats.example.com']) {
  test(`client_advertise ${advertise}: INFO host and port as nats-server's`, { skip: !natsServerAvailable() }, async () => {
    const sb = await startEmbedded({ clientAdvertise: advertise });
    const ns = await startProcess('nats-server', ['--client_advertise', advertise]);
    try {
      const ours = await infoOf(sb.port);
      const theirs = await infoOf(ns.port);
      assert.equal(ours.host, theirs.host);
      assert.equal(ours.host, 'nats.example.com');
      // The bare host keeps each server's own listening port.
      assert.equal(ours.port, advertise.includes(':') ? 4333 : sb.port);
      assert.equal(theirs.port, advertise.includes(':') ? 4333 : ns.port);
    } finally {
      await sb.server.shutdown();
      await ns.stop();
    }
  });
}
