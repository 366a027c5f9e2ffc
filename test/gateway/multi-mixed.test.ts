/**
 * A mixed super cluster of multi-server clusters: cluster NS is two nats-server 2.9.10 nodes,
 * cluster SB two Switchboard nodes; one gateway is configured on one node only, in both
 * directions (a Switchboard node dials nats-server, then a nats-server node dials Switchboard).
 * Every server learns its gateways by gossip; messages, requests, no_responders and queue
 * affinity work between any nodes, and nats-server logs no error.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { natsServerAvailable } from '../helpers/servers.js';
import { startNsNode, startSbNode, stopAll, waitFullMesh, type MultiNode } from './multi-helpers.js';
import { noRespondersAcross, queueAffinity, requestsAcross, streamsAcross } from './multi-scenarios.js';

for (const solicitor of ['switchboard', 'nats-server'] as const) {
  describe(`mixed super cluster of two-node clusters, ${solicitor} solicits`, { skip: !natsServerAvailable() }, () => {
    const nodes: MultiNode[] = [];
    const conns: NatsConnection[] = [];
    let NS: MultiNode[] = [];
    let SB: MultiNode[] = [];
    before(async () => {
      if (solicitor === 'switchboard') {
        const n1 = await startNsNode({ name: 'n1', cluster: 'NS' });
        nodes.push(n1);
        const n2 = await startNsNode({ name: 'n2', cluster: 'NS', routes: [n1.routeUrl] });
        nodes.push(n2);
        const s1 = await startSbNode({ name: 's1', cluster: 'SB', gateways: [{ name: 'NS', url: n2.gatewayUrl }] });
        nodes.push(s1);
        const s2 = await startSbNode({ name: 's2', cluster: 'SB', routes: [s1.routeUrl] });
        nodes.push(s2);
        NS = [n1, n2];
        SB = [s1, s2];
      } else {
        const s1 = await startSbNode({ name: 's1', cluster: 'SB' });
        nodes.push(s1);
        const s2 = await startSbNode({ name: 's2', cluster: 'SB', routes: [s1.routeUrl] });
        nodes.push(s2);
        const n1 = await startNsNode({ name: 'n1', cluster: 'NS', gateways: [{ name: 'SB', url: s2.gatewayUrl }] });
        nodes.push(n1);
        const n2 = await startNsNode({ name: 'n2', cluster: 'NS', routes: [n1.routeUrl] });
        nodes.push(n2);
        NS = [n1, n2];
        SB = [s1, s2];
      }
      await waitFullMesh([NS, SB]);
    });
    after(() => stopAll([...conns, ...nodes]));

    test('every server has its outbound gateway (/gatewayz on all four)', async () => {
      for (const n of [...NS, ...SB]) {
        const g = await n.gatewayz();
        const other = n.cluster === 'NS' ? 'SB' : 'NS';
        assert.deepEqual(Object.keys(g.outbound_gateways), [other], `${n.name} outbound`);
        assert.ok(g.outbound_gateways[other].connection, `${n.name} outbound connected`);
      }
    });
    test('streams in order from every node to every node across', () => streamsAcross(NS, SB, conns));
    test('request/reply from every node to every node across', () => requestsAcross(NS, SB, conns));
    test('no_responders from every node', () => noRespondersAcross(NS, SB, conns));
    test('queue affinity, nats-server cluster publishing', () => queueAffinity(NS, SB, conns));
    test('queue affinity, Switchboard cluster publishing', () => queueAffinity(SB, NS, conns));
    test('nats-server logged no gateway or route error', () => {
      for (const n of NS) {
        const errs = n.output().split('\n').filter((l) => l.includes('[ERR]') && !/connection refused|Gateway connection closed|EOF|reset by peer/i.test(l));
        assert.deepEqual(errs, [], `${n.name} errors`);
      }
    });
  });
}
