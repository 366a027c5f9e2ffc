/**
 * Queue weights (RS+ <acc> <subj> <queue> <weight>): a publisher's server picks among a group's
 * servers in proportion to their members, as nats-server's sublist does. Members: one on one
 * node, three on another; the publisher on a third node with none. Run with the weights sent by
 * Switchboard and read by nats-server, and the other way round.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { startTopology } from './scenarios.js';
import { awaitInterest, stopAll, type ClusterNode, type NodeKind } from './nodes.js';

function weights(label: string, kinds: [NodeKind, NodeKind, NodeKind]): void {
  test(`${label}: one member on one node, three on another: about 1/4 and 3/4`, async () => {
    let nodes: ClusterNode[] = [];
    const conns: NatsConnection[] = [];
    try {
      nodes = await startTopology(kinds);
      const [pubNode, one, three] = nodes;
      const counts = { one: 0, three: 0 };
      const member = async (n: ClusterNode, key: 'one' | 'three') => {
        const c = await connect({ servers: n.url });
        conns.push(c);
        c.subscribe('weighted', { queue: 'w', callback: () => counts[key]++ });
        await c.flush();
        return c;
      };
      const m1 = await member(one, 'one');
      const m3 = [await member(three, 'three'), await member(three, 'three'), await member(three, 'three')];
      const pub = await connect({ servers: pubNode.url });
      conns.push(pub);
      await awaitInterest(pub, m1);
      for (const m of m3) await awaitInterest(pub, m);
      const N = 2000;
      for (let i = 0; i < N; i++) pub.publish('weighted');
      await pub.flush();
      await waitFor(() => counts.one + counts.three === N, 20_000, 'every message delivered');
      // Expected 500 / 1500; a uniform pick per server would give 1000 / 1000.
      assert.ok(counts.three > 2 * counts.one, `weights not applied: ${JSON.stringify(counts)}`);
      assert.ok(counts.one > N / 10, `the single member starved: ${JSON.stringify(counts)}`);
    } finally {
      await stopAll(nodes, conns);
    }
  });
}

describe('queue weights across routes', () => {
  weights('sb publisher, sb members', ['sb', 'sb', 'sb']);
  describe('mixed', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
    weights('Switchboard picks by weights nats-server sent', ['sb', 'ns', 'ns']);
    weights('nats-server picks by weights Switchboard sent', ['ns', 'sb', 'sb']);
  });
});
