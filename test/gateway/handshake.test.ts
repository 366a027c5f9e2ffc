/**
 * The gateway handshake against nats-server 2.9.10: gateway authorization in both directions,
 * reject_unknown_cluster, a client on the gateway port, and the /varz and /gatewayz views.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { varz } from '@switchboard/broker';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { startNatsServer, startSwitchboard, stopAll, waitMesh, type Node } from './helpers.js';

/** The first line a raw TCP peer gets after sending `text` (INFO skipped). */
async function rawExchange(port: number, text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(buf.split('\r\n').filter(Boolean));
    }, 5000);
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.startsWith('INFO') && buf.includes('\r\n') && !buf.includes('SENT')) {
        buf += 'SENT';
        s.write(text);
      }
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(buf.replace('SENT', '').split('\r\n').filter(Boolean));
    });
    s.on('error', reject);
  });
}

describe('gateway handshake', { skip: !natsServerAvailable() }, () => {
  test('authorization on the gateway listener, both directions (credentials in the URL)', async () => {
    const nodes: Node[] = [];
    try {
      const sb = await startSwitchboard('SB', [], {}, { authorization: { user: 'gw', password: 's3cret' } });
      nodes.push(sb);
      // A wrong password is refused with nats-server's Authorization Violation.
      const bad = await startNatsServer('BAD', [{ name: 'SB', url: `nope:wrong@${sb.gatewayUrl}` }]);
      nodes.push(bad);
      await waitFor(() => /Authorization Violation/.test(bad.output()), 20_000, 'violation seen by nats-server');
      assert.equal(sb.sb!.gateway.inbounds.size, 0);
      await bad.stop();
      // The right credentials connect; nats-server's own listener also requires them and Switchboard sends its configured ones.
      const ns = await startNatsServer('NS', [{ name: 'SB', url: `gw:s3cret@${sb.gatewayUrl}` }], { gatewayConf: 'authorization { user: gw, password: s3cret }' });
      nodes.push(ns);
      await waitMesh([sb, ns]);
    } finally {
      await stopAll(nodes);
    }
  });

  test('reject_unknown_cluster refuses a cluster that is not configured', async () => {
    const nodes: Node[] = [];
    try {
      const sb = await startSwitchboard('SB', [], {}, { rejectUnknown: true });
      nodes.push(sb);
      const ns = await startNatsServer('NS', [{ name: 'SB', url: sb.gatewayUrl }]);
      nodes.push(ns);
      await waitFor(() => /Connection to gateway "SB" rejected/.test(ns.output()), 20_000, 'rejection seen by nats-server');
      assert.equal(sb.sb!.gateway.inbounds.size, 0);
      assert.equal(sb.sb!.gateway.out.size, 0);
    } finally {
      await stopAll(nodes);
    }
  });

  test('wrong ports: a client on the gateway port, a gateway dialing a client port', async () => {
    const nodes: Node[] = [];
    try {
      const sb = await startSwitchboard('SB');
      nodes.push(sb);
      const lines = await rawExchange(sb.gatewayPort, 'CONNECT {"verbose":false}\r\nPING\r\n');
      assert.ok(lines[0].startsWith('INFO '));
      const info = JSON.parse(lines[0].slice(5)) as Record<string, unknown>;
      assert.equal(info.gateway, 'SB');
      assert.equal(info.gateway_nrp, true);
      assert.equal(info.gateway_iom, true);
      assert.deepEqual(lines.slice(1), ["-ERR 'attempted to connect to gateway port'"]);
      // Anything but CONNECT first: Authorization Violation.
      assert.deepEqual((await rawExchange(sb.gatewayPort, 'PING\r\n')).slice(1), ["-ERR 'Authorization Violation'"]);
      // Switchboard dialing a client port: nats-server's text, and no link.
      const ns = await startNatsServer('NS');
      nodes.push(ns);
      const sb2 = await startSwitchboard('SB2', [{ name: 'NS', url: ns.url }]);
      nodes.push(sb2);
      await waitFor(() => /Attempt to connect to gateway "NS" using wrong port|Gateway connection closed/.test(sb2.output()), 20_000, 'wrong port noticed');
      assert.equal(sb2.sb!.gateway.out.size, 0);
    } finally {
      await stopAll(nodes);
    }
  });

  test('/gatewayz and /varz show the links as nats-server does', async () => {
    const nodes: Node[] = [];
    try {
      const ns = await startNatsServer('NS');
      nodes.push(ns);
      const sb = await startSwitchboard('SB', [{ name: 'NS', url: ns.gatewayUrl }]);
      nodes.push(sb);
      await waitMesh([sb, ns]);
      const mine = await sb.gatewayz('accs=true');
      const theirs = await ns.gatewayz('accs=true');
      assert.equal(mine.name, 'SB');
      assert.equal(theirs.name, 'NS');
      // The same shape on both sides: one configured or implicit outbound, one inbound, the peer's id as connection name.
      assert.equal(mine.outbound_gateways.NS.configured, true);
      assert.equal(theirs.outbound_gateways.SB.configured, false);
      assert.equal(mine.outbound_gateways.NS.connection?.name, theirs.server_id);
      assert.equal(theirs.outbound_gateways.SB.connection?.name, mine.server_id);
      assert.equal(mine.inbound_gateways.NS[0].connection?.name, theirs.server_id);
      assert.equal(mine.inbound_gateways.NS.length, 1);
      assert.equal(theirs.inbound_gateways.SB.length, 1);
      for (const g of [mine, theirs]) {
        assert.deepEqual(Object.keys(g).sort(), ['host', 'inbound_gateways', 'name', 'now', 'outbound_gateways', 'port', 'server_id']);
      }
      // gw_name filters, acc_name implies accounts.
      const one = await sb.gatewayz('gw_name=NS&acc_name=$G');
      assert.deepEqual(Object.keys(one.outbound_gateways), ['NS']);
      assert.deepEqual(one.outbound_gateways.NS.accounts?.map((a) => a.name), ['$G']);
      const none = await sb.gatewayz('gw_name=XX');
      assert.deepEqual(none.outbound_gateways, {});
      const v = varz(sb.sb!) as unknown as { gateway: { name: string; port: number; gateways: Array<{ name: string; urls: string[] }> } };
      assert.equal(v.gateway.name, 'SB');
      assert.equal(v.gateway.port, sb.gatewayPort);
      assert.deepEqual(v.gateway.gateways.map((g) => g.name), ['NS']);
      assert.deepEqual(v.gateway.gateways[0].urls, [ns.gatewayUrl]);
      // STATSZ carries one entry per remote cluster (nats-server GatewayStat).
      const gws = sb.sb!.events.statsz().gateways ?? [];
      assert.deepEqual(gws.map((g) => [g.name, g.inbound_connections]), [['NS', 1]]);
      assert.ok(gws[0].sent.msgs >= 0 && gws[0].received.msgs >= 0);
    } finally {
      await stopAll(nodes);
    }
  });
});
