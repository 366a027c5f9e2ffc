/**
 * The system account across a cluster: `$SYS.REQ.SERVER.PING` (STATSZ) and
 * `$SYS.REQ.SERVER.PING.VARZ` answered by every node, CONNECT/DISCONNECT events of clients on
 * any node seen from one node, and a node's own STATSZ reaching another — in a mixed cluster
 * (two Switchboard nodes and a nats-server 2.9.10 node), and with three Switchboard nodes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { ACCOUNTS_CONF, startTopology } from './scenarios.js';
import { stopAll, type ClusterNode, type NodeKind } from './nodes.js';

const jc = JSONCodec<Record<string, unknown>>();
const SYS_CONF = ACCOUNTS_CONF.replace('accounts {', 'accounts {\n  SYS: { users: [ { user: sys, password: sys } ] }') + '\nsystem_account: SYS\n';

async function serversAnswering(nc: NatsConnection, subject: string, want: number): Promise<Set<string>> {
  const ids = new Set<string>();
  await waitFor(async () => {
    const it = await nc.requestMany(subject, undefined, { maxWait: 2000, maxMessages: want });
    for await (const m of it) {
      const body = jc.decode(m.data) as { server?: { id?: string } };
      if (body.server?.id) ids.add(body.server.id);
    }
    return ids.size >= want;
  }, 20_000, `${want} servers answering ${subject}`);
  return ids;
}

function systemAccountAcross(label: string, kinds: [NodeKind, NodeKind, NodeKind]): void {
  test(`${label}: every node answers $SYS requests and events cross the routes`, async () => {
    let nodes: ClusterNode[] = [];
    const conns: NatsConnection[] = [];
    try {
      nodes = await startTopology(kinds, [{ conf: SYS_CONF }, { conf: SYS_CONF }, { conf: SYS_CONF }]);
      const sys = await connect({ servers: nodes[0].url, user: 'sys', pass: 'sys' });
      conns.push(sys);
      const ping = await serversAnswering(sys, '$SYS.REQ.SERVER.PING', 3);
      assert.equal(ping.size, 3);
      // Every node's STATSZ lists its two routes (nats-server's RouteStat: rid, name, sent, received, pending).
      await waitFor(async () => {
        const it = await sys.requestMany('$SYS.REQ.SERVER.PING', undefined, { maxWait: 2000, maxMessages: 3 });
        const counts: number[] = [];
        for await (const m of it) {
          const s = (jc.decode(m.data) as { statsz: { routes?: Array<{ rid: number; name?: string; sent: unknown; received: unknown; pending: number }> } }).statsz;
          counts.push((s.routes ?? []).filter((r) => typeof r.rid === 'number' && r.name !== undefined && r.sent !== undefined && typeof r.pending === 'number').length);
        }
        return counts.length === 3 && counts.every((n) => n === 2);
      }, 20_000, 'route stats in every STATSZ');
      const varz = await serversAnswering(sys, '$SYS.REQ.SERVER.PING.VARZ', 3);
      assert.deepEqual([...varz].sort(), [...ping].sort());

      // CONNECT and DISCONNECT of clients on the other nodes, seen from the first.
      const events: Array<{ type: string; server: string; name: string }> = [];
      sys.subscribe('$SYS.ACCOUNT.A.*', {
        callback: (_e, m) => {
          const body = jc.decode(m.data) as { type: string; server: { id: string }; client: { name?: string } };
          events.push({ type: body.type, server: body.server.id, name: body.client.name ?? '' });
        },
      });
      await sys.flush();
      // Interest of the system client is known everywhere once every node answers a ping again.
      await serversAnswering(sys, '$SYS.REQ.SERVER.PING', 3);
      for (const n of nodes.slice(1)) {
        const c = await connect({ servers: n.url, name: `visitor-${n.name}` });
        await c.flush();
        await c.close();
      }
      await waitFor(
        () => nodes.slice(1).every((n) => ['io.nats.server.advisory.v1.client_connect', 'io.nats.server.advisory.v1.client_disconnect'].every((t) => events.some((e) => e.type === t && e.name === `visitor-${n.name}`))),
        20_000,
        'connect and disconnect events from the other nodes',
      );
      const fromServers = new Set(events.map((e) => e.server));
      assert.equal(fromServers.size, 2, 'events come from the two other servers');
    } finally {
      await stopAll(nodes, conns);
    }
  });
}

describe('the system account across the cluster', () => {
  systemAccountAcross('sb+sb+sb', ['sb', 'sb', 'sb']);
  describe('mixed', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
    systemAccountAcross('sb+ns+sb', ['sb', 'ns', 'sb']);
    systemAccountAcross('ns+sb+sb', ['ns', 'sb', 'sb']);
  });
});
