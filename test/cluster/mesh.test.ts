/**
 * Mesh formation details against nats-server 2.9.10: two nodes that solicit each other end with
 * one route (duplicate-route resolution), and gossip through a cluster with authorization (the
 * implicit route carries the cluster credentials).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, StringCodec } from 'nats';
import { freePortPair } from './ports.js';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { awaitInterest, startNode, stopAll, waitMesh, type ClusterNode, type NodeKind } from './nodes.js';

const sc = StringCodec();

describe('mesh formation', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  for (const kinds of [['sb', 'sb'], ['sb', 'ns'], ['ns', 'sb']] as Array<[NodeKind, NodeKind]>) {
    test(`${kinds.join('+')}: two nodes listing each other end with one route and carry messages`, async () => {
      const nodes: ClusterNode[] = [];
      try {
        const [p1, p2] = await freePortPair();
        const routes = [`nats-route://127.0.0.1:${p1}`, `nats-route://127.0.0.1:${p2}`];
        nodes.push(await startNode(kinds[0], { name: 'm1', clusterPort: p1, routes }));
        nodes.push(await startNode(kinds[1], { name: 'm2', clusterPort: p2, routes }));
        await waitMesh(nodes);
        const sub = await connect({ servers: nodes[1].url });
        const pub = await connect({ servers: nodes[0].url });
        const got: string[] = [];
        sub.subscribe('dup.test', { callback: (_e, m) => got.push(sc.decode(m.data)) });
        await awaitInterest(pub, sub);
        pub.publish('dup.test', sc.encode('once'));
        pub.publish('dup.end', sc.encode('x'));
        await pub.flush();
        await waitFor(() => got.length >= 1, 10_000, 'the message');
        await sub.flush();
        assert.deepEqual(got, ['once']);
        for (const n of nodes) assert.equal(await n.numRoutes(), 1, `${n.name} has one route`);
        await sub.close();
        await pub.close();
      } finally {
        await stopAll(nodes);
      }
    });
  }

  for (const kinds of [['sb', 'ns', 'sb'], ['ns', 'sb', 'ns']] as Array<[NodeKind, NodeKind, NodeKind]>) {
    test(`${kinds.join('+')}: gossip in a cluster with authorization (implicit routes use the cluster credentials)`, async () => {
      const nodes: ClusterNode[] = [];
      const spec = (k: NodeKind) => (k === 'sb' ? { options: { cluster: { authorization: { user: 'ru', password: 'rp' } } } } : { args: ['--cluster', 'nats://ru:rp@127.0.0.1:-1'] });
      try {
        const seed = await startNode(kinds[0], { name: 'g1', ...spec(kinds[0]) });
        nodes.push(seed);
        const url = seed.routeUrl.replace('//', '//ru:rp@');
        nodes.push(await startNode(kinds[1], { name: 'g2', routes: [url], ...spec(kinds[1]) }));
        nodes.push(await startNode(kinds[2], { name: 'g3', routes: [url], ...spec(kinds[2]) }));
        await waitMesh(nodes);
      } finally {
        await stopAll(nodes);
      }
    });
  }
});
