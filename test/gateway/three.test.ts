/**
 * Three clusters: a full mesh grows from partial configuration (gossip of known gateways), and
 * the talk's super cluster demo: queue subscribers in every cluster, requests from each cluster
 * answered in that cluster, and by another cluster once the local members are gone.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { client, startNatsServer, startSwitchboard, stopAll, waitInterest, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

describe('three clusters', () => {
  test('three Switchboard clusters: full mesh from gossip, delivery between every pair', async () => {
    const nodes: Node[] = [];
    const conns: NatsConnection[] = [];
    try {
      const a = await startSwitchboard('A');
      nodes.push(a);
      // B and C know only A; they learn of each other from A's gossip.
      nodes.push(await startSwitchboard('B', [{ name: 'A', url: a.gatewayUrl }]));
      nodes.push(await startSwitchboard('C', [{ name: 'A', url: a.gatewayUrl }]));
      await waitMesh(nodes);
      const cs = await Promise.all(nodes.map((n) => client(n)));
      conns.push(...cs);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          if (i === j) continue;
          const got: string[] = [];
          const s = cs[j].subscribe(`pair.${i}.${j}`, { callback: (_e, m) => got.push(sc.decode(m.data)) });
          await waitInterest(cs[i], cs[j]);
          for (let k = 0; k < 20; k++) cs[i].publish(`pair.${i}.${j}`, sc.encode(String(k)));
          await cs[i].flush();
          await waitFor(() => got.length >= 20, 20_000, `delivery ${nodes[i].cluster} → ${nodes[j].cluster}`);
          assert.deepEqual(got, Array.from({ length: 20 }, (_, k) => String(k)));
          s.unsubscribe();
        }
      }
      // Each server has one outbound per remote cluster.
      for (const n of nodes) assert.deepEqual([...n.sb!.gateway.out.keys()].sort(), ['A', 'B', 'C'].filter((x) => x !== n.cluster));
    } finally {
      await stopAll([...conns, ...nodes]);
    }
  });

  test("the talk's demo: queue subscribers in three clusters (two Switchboard, one nats-server), requests answered locally", { skip: !natsServerAvailable() }, async () => {
    const nodes: Node[] = [];
    const conns: NatsConnection[] = [];
    try {
      const east = await startSwitchboard('east');
      nodes.push(east);
      nodes.push(await startNatsServer('west', [{ name: 'east', url: east.gatewayUrl }]));
      nodes.push(await startSwitchboard('central', [{ name: 'west', url: nodes[1].gatewayUrl }]));
      await waitMesh(nodes);
      const requesters = await Promise.all(nodes.map((n) => client(n)));
      const workers = await Promise.all(nodes.map((n) => client(n)));
      conns.push(...requesters, ...workers);
      const served = new Map<string, number>();
      const subs = workers.map((w, i) =>
        w.subscribe('demo.service', {
          queue: 'demo',
          callback: (_e, m) => {
            served.set(nodes[i].cluster, (served.get(nodes[i].cluster) ?? 0) + 1);
            m.respond(sc.encode(nodes[i].cluster));
          },
        }),
      );
      for (const w of workers) await w.flush();
      for (const r of requesters) for (const w of workers) if (r !== w) await waitInterest(r, w);
      // Every cluster's requests are answered by its own queue member.
      for (let i = 0; i < nodes.length; i++) {
        for (let k = 0; k < 10; k++) {
          const m = await requesters[i].request('demo.service', sc.encode('hi'), { timeout: 5000 });
          assert.equal(sc.decode(m.data), nodes[i].cluster, `request from ${nodes[i].cluster}`);
        }
      }
      assert.deepEqual(Object.fromEntries(served), { east: 10, west: 10, central: 10 });
      // east's member leaves: east's requests are answered by one other cluster, exactly once each.
      subs[0].unsubscribe();
      await workers[0].flush();
      served.clear();
      for (let k = 0; k < 20; k++) {
        const m = await requesters[0].request('demo.service', sc.encode('hi'), { timeout: 5000 });
        assert.notEqual(sc.decode(m.data), 'east');
      }
      // A last request as a marker: no request was served twice.
      await requesters[0].request('demo.service', sc.encode('marker'), { timeout: 5000 });
      assert.equal((served.get('west') ?? 0) + (served.get('central') ?? 0), 21);
      assert.equal(served.get('east') ?? 0, 0);
    } finally {
      await stopAll([...conns, ...nodes]);
    }
  });
});
