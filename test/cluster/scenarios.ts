/**
 * The cluster scenarios every topology runs (three Switchboard nodes, and mixed clusters with
 * nats-server 2.9.10 in both soliciting directions). Nodes: [seed, b, c]; b and c solicit the
 * seed only, so the full mesh needs gossip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringCodec, ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { waitFor } from '../helpers/servers.js';
import { awaitInterest, client, startNode, stopAll, waitMesh, type ClusterNode, type NodeKind, type NodeSpec } from './nodes.js';

const sc = StringCodec();

/** Accounts on every node: clients without credentials land in A; b/b is account B. */
export const ACCOUNTS_CONF = `
accounts {
  A: { users: [ { user: a, password: a } ] }
  B: { users: [ { user: b, password: b } ] }
}
no_auth_user: a
`;

export interface Topology {
  label: string;
  kinds: [NodeKind, NodeKind, NodeKind];
}

/** Starts [seed, b, c]: b and c list only the seed in `routes`. */
export async function startTopology(kinds: [NodeKind, NodeKind, NodeKind], specs: Partial<NodeSpec>[] = []): Promise<ClusterNode[]> {
  const nodes: ClusterNode[] = [];
  try {
    const seed = await startNode(kinds[0], { name: 'n1', conf: ACCOUNTS_CONF, ...specs[0] });
    nodes.push(seed);
    nodes.push(await startNode(kinds[1], { name: 'n2', conf: ACCOUNTS_CONF, routes: [seed.routeUrl], ...specs[1] }));
    nodes.push(await startNode(kinds[2], { name: 'n3', conf: ACCOUNTS_CONF, routes: [seed.routeUrl], ...specs[2] }));
    await waitMesh(nodes);
    return nodes;
  } catch (e) {
    await stopAll(nodes);
    throw e;
  }
}

/** Registers the scenarios as subtests of the running test, over nodes started by `start`. */
export function clusterScenarios(topo: Topology): void {
  let nodes: ClusterNode[] = [];
  const conns: NatsConnection[] = [];
  const nc = async (node: ClusterNode, opts: Parameters<typeof client>[1] = {}) => {
    const c = await client(node, opts);
    conns.push(c);
    return c;
  };

  test(`${topo.label}: full mesh from one seed`, async () => {
    nodes = await startTopology(topo.kinds);
    for (const n of nodes) assert.equal(await n.numRoutes(), 2, `${n.name} routes`);
  });

  test(`${topo.label}: pub/sub and wildcards across routes, no duplicates`, async () => {
    const [a, b, c] = nodes;
    const pub = await nc(a);
    const sb = await nc(b);
    const sc3 = await nc(c);
    const exact: string[] = [];
    const wild: string[] = [];
    const full: string[] = [];
    sb.subscribe('orders.new', { callback: (_e, m) => exact.push(sc.decode(m.data)) });
    sc3.subscribe('orders.*', { callback: (_e, m) => wild.push(sc.decode(m.data)) });
    sb.subscribe('orders.>', { callback: (_e, m) => full.push(sc.decode(m.data)) });
    await awaitInterest(pub, sb);
    await awaitInterest(pub, sc3);
    pub.publish('orders.new', sc.encode('1'));
    pub.publish('orders.old', sc.encode('2'));
    pub.publish('orders.new', sc.encode('3'));
    pub.publish('orders.x.y', sc.encode('4'));
    // Messages keep their order along one path: once the last arrived, any duplicate would have too.
    pub.publish('orders.end', sc.encode('end'));
    await pub.flush();
    await waitFor(() => full.includes('end') && wild.includes('end'), 10_000, 'the last message');
    assert.deepEqual(exact, ['1', '3']);
    assert.deepEqual(wild, ['1', '2', '3', 'end']);
    assert.deepEqual(full, ['1', '2', '3', '4', 'end']);
  });

  test(`${topo.label}: no echo: a publisher with echo off gets nothing back through the cluster`, async () => {
    const [a, b] = nodes;
    const self = await nc(a, { noEcho: true });
    const other = await nc(b);
    const mine: string[] = [];
    const theirs: string[] = [];
    self.subscribe('echo.test', { callback: (_e, m) => mine.push(sc.decode(m.data)) });
    other.subscribe('echo.test', { callback: (_e, m) => theirs.push(sc.decode(m.data)) });
    await awaitInterest(self, other);
    self.publish('echo.test', sc.encode('1'));
    await self.flush();
    await waitFor(() => theirs.length === 1, 10_000, 'the message on the other node');
    // A message from the other node does reach it: so its subscription works, and anything echoed would be here first.
    other.publish('echo.test', sc.encode('2'));
    await waitFor(() => mine.length === 1, 10_000, 'the other node\'s message');
    assert.deepEqual(mine, ['2']);
  });

  test(`${topo.label}: a queue group spread over three nodes gets each message exactly once`, async () => {
    const pubNode = nodes[0];
    const members: NatsConnection[] = [];
    const counts = [0, 0, 0];
    const seen = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      const m = await nc(nodes[i]);
      members.push(m);
      m.subscribe('work', {
        queue: 'workers',
        callback: (_e, msg) => {
          counts[i]++;
          const k = sc.decode(msg.data);
          seen.set(k, (seen.get(k) ?? 0) + 1);
        },
      });
    }
    const pub = await nc(pubNode);
    for (const m of members) await awaitInterest(pub, m);
    const N = 300;
    for (let i = 0; i < N; i++) pub.publish('work', sc.encode(String(i)));
    await pub.flush();
    await waitFor(() => seen.size === N, 15_000, 'all queue messages');
    // A late duplicate would show up here: ask every member's server for a round trip first.
    for (const m of members) await m.flush();
    await pub.flush();
    assert.equal(counts[0] + counts[1] + counts[2], N, `counts ${counts}`);
    for (const [k, n] of seen) assert.equal(n, 1, `message ${k} delivered ${n} times`);
    for (let i = 0; i < 3; i++) assert.ok(counts[i] > 0, `member on ${nodes[i].name} got none: ${counts}`);
  });

  test(`${topo.label}: request/reply across routes, queue responders on remote nodes`, async () => {
    const [a, b, c] = nodes;
    const r1 = await nc(b);
    const r2 = await nc(c);
    for (const [r, name] of [[r1, 'b'], [r2, 'c']] as const) {
      r.subscribe('svc.echo', { queue: 'svc', callback: (_e, m) => m.respond(sc.encode(`${name}:${sc.decode(m.data)}`)) });
    }
    const req = await nc(a);
    await awaitInterest(req, r1);
    await awaitInterest(req, r2);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => req.request('svc.echo', sc.encode(String(i)), { timeout: 10_000 })));
    answers.forEach((m, i) => assert.match(sc.decode(m.data), new RegExp(`^[bc]:${i}$`)));
    await r1.drain();
    await r2.drain();
    conns.splice(conns.indexOf(r1), 1);
    conns.splice(conns.indexOf(r2), 1);
  });

  test(`${topo.label}: unsubscribe propagates (no responders once the last remote member left)`, async () => {
    const [a, b] = nodes;
    const sub = await nc(b);
    const s = sub.subscribe('gone.soon', { callback: (_e, m) => m.respond(sc.encode('here')) });
    const req = await nc(a);
    await awaitInterest(req, sub);
    assert.equal(sc.decode((await req.request('gone.soon', undefined, { timeout: 10_000 })).data), 'here');
    s.unsubscribe();
    await awaitInterest(req, sub);
    // The seed no longer forwards: a request fails at once with no responders (503), not by timeout.
    const err = await req.request('gone.soon', undefined, { timeout: 10_000 }).then(
      () => null,
      (e: NatsError) => e,
    );
    assert.equal(err?.code, ErrorCode.NoResponders);
  });

  test(`${topo.label}: accounts stay isolated across routes`, async () => {
    const [a, , c] = nodes;
    const inA = await nc(c);
    const inB = await nc(c, { user: 'b', pass: 'b' });
    const gotA: string[] = [];
    const gotB: string[] = [];
    inA.subscribe('shared.subject', { callback: (_e, m) => gotA.push(sc.decode(m.data)) });
    inB.subscribe('shared.subject', { callback: (_e, m) => gotB.push(sc.decode(m.data)) });
    const pubA = await nc(a);
    const pubB = await nc(a, { user: 'b', pass: 'b' });
    await awaitInterest(pubA, inA);
    await awaitInterest(pubB, inB);
    pubA.publish('shared.subject', sc.encode('from-A'));
    pubB.publish('shared.subject', sc.encode('from-B'));
    await pubA.flush();
    await pubB.flush();
    await waitFor(() => gotA.length >= 1 && gotB.length >= 1, 10_000, 'both accounts');
    await inA.flush();
    await inB.flush();
    assert.deepEqual(gotA, ['from-A']);
    assert.deepEqual(gotB, ['from-B']);
  });

  test(`${topo.label}: a node killed and restarted gets the cluster's interest again`, async () => {
    const [a, b, c] = nodes;
    const onA = await nc(a);
    const gotA: string[] = [];
    onA.subscribe('resync.to.a', { callback: (_e, m) => gotA.push(sc.decode(m.data)) });
    await onA.flush();
    await c.stop();
    await waitFor(async () => (await a.numRoutes()) === 1 && (await b.numRoutes()) === 1, 20_000, 'routes to the stopped node gone');
    nodes[2] = await startNode(c.kind, { name: c.name, conf: ACCOUNTS_CONF, routes: [a.routeUrl], clusterPort: c.clusterPort });
    await waitMesh(nodes, 30_000);
    const onC = await nc(nodes[2]);
    const gotC: string[] = [];
    onC.subscribe('resync.to.c', { callback: (_e, m) => gotC.push(sc.decode(m.data)) });
    const pubB = await nc(b);
    await awaitInterest(pubB, onC);
    await awaitInterest(onC, onA);
    pubB.publish('resync.to.c', sc.encode('hello-c'));
    onC.publish('resync.to.a', sc.encode('hello-a'));
    await pubB.flush();
    await onC.flush();
    await waitFor(() => gotA.length === 1 && gotC.length === 1, 10_000, 'messages after restart');
    assert.deepEqual([gotA, gotC], [['hello-a'], ['hello-c']]);
  });

  test(`${topo.label}: a client learns the cluster from connect_urls and fails over`, async () => {
    const [a, b, c] = nodes;
    const mover = await nc(a, { reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    await waitFor(() => {
      const urls = mover.info?.connect_urls ?? [];
      return [b.url, c.url].every((u) => urls.includes(u));
    }, 10_000, 'connect_urls naming the other nodes');
    const got: string[] = [];
    mover.subscribe('failover', { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await mover.flush();
    let reconnected = false;
    void (async () => {
      for await (const s of mover.status()) if (s.type === 'reconnect') reconnected = true;
    })();
    await a.stop();
    await waitFor(() => reconnected, 20_000, 'client reconnect to another node');
    assert.notEqual(mover.getServer(), a.url);
    const pub = await nc(c);
    await awaitInterest(pub, mover);
    pub.publish('failover', sc.encode('after'));
    await pub.flush();
    await waitFor(() => got.length === 1, 10_000, 'message after failover');
    assert.deepEqual(got, ['after']);
  });

  test(`${topo.label}: stop every node`, async () => {
    await stopAll(nodes, conns);
    nodes = [];
  });

  process.once('exit', () => {
    for (const n of nodes) n.proc?.kill('SIGKILL');
  });
}
