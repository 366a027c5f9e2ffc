/**
 * Super clusters of multi-server Switchboard clusters: two clusters of two nodes each, joined by
 * one gateway configured on one node only. Every server learns the other cluster by gossip
 * (/gatewayz on all four), messages and requests cross from any node to any node, queue groups
 * stay in their cluster while it has a member (on another server), and the super cluster keeps
 * delivering after a node dies.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { waitFor } from '../helpers/servers.js';
import { client, links, startSbNode, stopAll, waitFullMesh, waitInterest, type MultiNode } from './multi-helpers.js';
import { noRespondersAcross, queueAffinity, requestsAcross, streamsAcross } from './multi-scenarios.js';

const sc = StringCodec();

/** A = a1, a2; B = b1, b2; only a1 has a gateway (to b1). */
async function twoByTwo(nodes: MultiNode[]): Promise<{ A: MultiNode[]; B: MultiNode[] }> {
  const b1 = await startSbNode({ name: 'b1', cluster: 'B' });
  nodes.push(b1);
  const b2 = await startSbNode({ name: 'b2', cluster: 'B', routes: [b1.routeUrl] });
  nodes.push(b2);
  const a1 = await startSbNode({ name: 'a1', cluster: 'A', gateways: [{ name: 'B', url: b1.gatewayUrl }] });
  nodes.push(a1);
  const a2 = await startSbNode({ name: 'a2', cluster: 'A', routes: [a1.routeUrl] });
  nodes.push(a2);
  return { A: [a1, a2], B: [b1, b2] };
}

describe('super cluster of two-node Switchboard clusters', () => {
  const nodes: MultiNode[] = [];
  const conns: NatsConnection[] = [];
  let A: MultiNode[] = [];
  let B: MultiNode[] = [];
  before(async () => {
    ({ A, B } = await twoByTwo(nodes));
    await waitFullMesh([A, B]);
  });
  after(() => stopAll([...conns, ...nodes]));

  test('gossip gives every server its gateway: /gatewayz on all four', async () => {
    // a2, b1 and b2 were configured with no remote: each learned its outbound by gossip.
    for (const n of [...A, ...B]) {
      const g = await n.gatewayz();
      const other = n.cluster === 'A' ? 'B' : 'A';
      assert.deepEqual(Object.keys(g.outbound_gateways), [other], `${n.name} outbound`);
      assert.equal(g.outbound_gateways[other].configured, n.name === 'a1', `${n.name} outbound configured`);
    }
  });

  test('streams in order from every node to every node across', () => streamsAcross(A, B, conns));
  test('request/reply from every node to every node across', () => requestsAcross(A, B, conns));
  test('no_responders from every node', () => noRespondersAcross(A, B, conns));
  test('queue affinity: A serves while its member (on the other server) exists, then B, exactly once', () => queueAffinity(A, B, conns));
  test('queue affinity the other way', () => queueAffinity(B, A, conns));
});

describe('a reply for another server of the cluster goes over the route to it', () => {
  const nodes: MultiNode[] = [];
  const conns: NatsConnection[] = [];
  let A: MultiNode[] = [];
  let B: MultiNode[] = [];
  before(async () => {
    // A's servers keep their reply subscriptions to themselves (route import permission), so a
    // reply landing on the other server of A reaches the requester only as a `_GR_.` reply
    // sent over the route to the server its hash names.
    const hideInboxes = { import: { deny: ['_INBOX.>'] } };
    const b1 = await startSbNode({ name: 'b1', cluster: 'B' });
    nodes.push(b1);
    const b2 = await startSbNode({ name: 'b2', cluster: 'B', routes: [b1.routeUrl] });
    nodes.push(b2);
    const a1 = await startSbNode({ name: 'a1', cluster: 'A', gateways: [{ name: 'B', url: b1.gatewayUrl }], routePermissions: hideInboxes });
    nodes.push(a1);
    const a2 = await startSbNode({ name: 'a2', cluster: 'A', routes: [a1.routeUrl], routePermissions: hideInboxes });
    nodes.push(a2);
    A = [a1, a2];
    B = [b1, b2];
    await waitFullMesh([A, B]);
  });
  after(() => stopAll([...conns, ...nodes]));

  test('requests from both servers of A answered from both servers of B', () => requestsAcross(A, B, conns));
});

describe('super cluster of two-node Switchboard clusters, a node dies', () => {
  test('the super cluster reconnects through the gossiped URLs and still delivers', async () => {
    const nodes: MultiNode[] = [];
    const conns: NatsConnection[] = [];
    try {
      const { A, B } = await twoByTwo(nodes);
      await waitFullMesh([A, B]);
      const [a1, a2] = A;
      const [b1, b2] = B;
      // b1, the only configured gateway URL, goes away.
      await b1.stop();
      await waitFullMesh([A, [b2]]);
      const sub = await client(b2);
      const pubs = await Promise.all(A.map((n) => client(n)));
      conns.push(sub, ...pubs);
      for (const [i, pub] of pubs.entries()) {
        const got: string[] = [];
        const s = sub.subscribe(`after.${i}`, { callback: (_e, m) => got.push(sc.decode(m.data)) });
        await waitInterest(pub, sub);
        for (let k = 0; k < 10; k++) pub.publish(`after.${i}`, sc.encode(String(k)));
        await pub.flush();
        await waitFor(() => got.length >= 10, 20_000, `${A[i].name} → b2 after b1 died`);
        assert.deepEqual(got, Array.from({ length: 10 }, (_, k) => String(k)));
        s.unsubscribe();
      }
      sub.subscribe('svc.b2', { callback: (_e, m) => m.respond(sc.encode('b2')) });
      await sub.flush();
      for (const pub of pubs) await waitInterest(pub, sub);
      for (const n of [a1, a2]) {
        const c = await client(n);
        conns.push(c);
        assert.equal(sc.decode((await c.request('svc.b2', undefined, { timeout: 10_000 })).data), 'b2');
      }
      // And back: a node of A dies too, B reaches the survivor.
      await a1.stop();
      await waitFor(async () => (await links(a2)).B?.out === true && (await links(b2)).A?.out === true && (await links(b2)).A?.in === 1, 30_000, 'a2 and b2 linked');
      const resp = await client(a2);
      conns.push(resp);
      resp.subscribe('svc.a2', { callback: (_e, m) => m.respond(sc.encode('a2')) });
      await resp.flush();
      const req = await client(b2);
      conns.push(req);
      await waitInterest(req, resp);
      assert.equal(sc.decode((await req.request('svc.a2', undefined, { timeout: 10_000 })).data), 'a2');
    } finally {
      await stopAll([...conns, ...nodes]);
    }
  });
});
