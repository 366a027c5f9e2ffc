/**
 * Route options against nats-server 2.9.10, two nodes, both directions: cluster authorization,
 * cluster name checks (conflict, and a generated name giving way), no_advertise, route
 * permissions (import/export), headers across a route, /routez's shape, and the CLI flags.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, headers, StringCodec, ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { routez, varz } from '@switchboard/broker';
import { natsServerAvailable, startProcess, waitFor } from '../helpers/servers.js';
import { awaitInterest, startNode, startNs, startSb, stopAll, type ClusterNode, type NodeKind } from './nodes.js';

const sc = StringCodec();
const skip = !natsServerAvailable() && 'nats-server not installed';

/** Fails with the code of a request's error (503 no responders) or null when answered. */
async function requestOutcome(nc: NatsConnection, subject: string): Promise<string | null> {
  return nc.request(subject, undefined, { timeout: 10_000 }).then(
    () => null,
    (e: NatsError) => e.code,
  );
}

const directions: Array<[NodeKind, NodeKind]> = [
  ['sb', 'ns'],
  ['ns', 'sb'],
];

describe('route options, Switchboard beside nats-server', { skip }, () => {
  for (const [acceptor, solicitor] of directions) {
    const dir = `${solicitor} solicits ${acceptor}`;

    test(`${dir}: cluster authorization lets the right credentials in and keeps others out`, async () => {
      const nodes: ClusterNode[] = [];
      try {
        const auth = acceptor === 'sb' ? { options: { cluster: { authorization: { user: 'ruser', password: 'rpass' } } } } : { args: ['--cluster', 'nats://ruser:rpass@127.0.0.1:-1'] };
        const a = await startNode(acceptor, { name: 'acc', ...auth });
        nodes.push(a);
        const port = Number(new URL(a.routeUrl).port);
        const bad = await startNode(solicitor, { name: 'bad', routes: [`nats-route://ruser:wrong@127.0.0.1:${port}`] });
        nodes.push(bad);
        const good = await startNode(solicitor, { name: 'good', routes: [`nats-route://ruser:rpass@127.0.0.1:${port}`] });
        nodes.push(good);
        await waitFor(async () => (await good.numRoutes()) === 1 && (await a.numRoutes()) === 1, 15_000, 'the authorized route');
        await waitFor(() => /Authorization Violation/.test(a.output()) || /Authorization Violation/.test(bad.output()), 15_000, 'the refused route logged');
        // The acceptor never registers the refused node (the refused side may count the route for a
        // moment: it registers on the acceptor's INFO before the -ERR arrives, as nats-server does).
        assert.equal(await a.numRoutes(), 1);
      } finally {
        await stopAll(nodes);
      }
    });

    test(`${dir}: different cluster names do not form a route`, async () => {
      const nodes: ClusterNode[] = [];
      try {
        const a = await startNode(acceptor, { name: 'alpha-node', clusterName: 'alpha' });
        nodes.push(a);
        const b = await startNode(solicitor, { name: 'beta-node', clusterName: 'beta', routes: [a.routeUrl] });
        nodes.push(b);
        await waitFor(() => /does not match/.test(a.output() + b.output()), 15_000, 'the cluster name conflict logged');
        assert.equal(await a.numRoutes(), 0);
        assert.equal(await b.numRoutes(), 0);
      } finally {
        await stopAll(nodes);
      }
    });

    test(`${dir}: a node without a cluster name takes its peer's`, async () => {
      const nodes: ClusterNode[] = [];
      try {
        // nats-server generates a name when --cluster_name is not given; Switchboard does too.
        const named = await startNode(acceptor, { name: 'named', clusterName: 'fixed' });
        nodes.push(named);
        const dynamic = await startNode(solicitor, { name: 'dyn', clusterName: '', routes: [named.routeUrl], args: [] });
        nodes.push(dynamic);
        await waitFor(async () => (await named.numRoutes()) === 1 && (await dynamic.numRoutes()) === 1, 15_000, 'the route');
        const nc = await connect({ servers: dynamic.url });
        await waitFor(() => nc.info?.cluster === 'fixed', 10_000, 'the adopted cluster name in INFO');
        await nc.close();
      } finally {
        await stopAll(nodes);
      }
    });

    test(`${dir}: no_advertise keeps a node's client URL away from the other's clients`, async () => {
      const nodes: ClusterNode[] = [];
      try {
        const quiet = acceptor === 'sb' ? { options: { cluster: { noAdvertise: true } } } : { args: ['--no_advertise'] };
        const a = await startNode(acceptor, { name: 'quiet', ...quiet });
        nodes.push(a);
        const b = await startNode(solicitor, { name: 'loud', routes: [a.routeUrl] });
        nodes.push(b);
        await waitFor(async () => (await b.numRoutes()) === 1, 15_000, 'the route');
        const onB = await connect({ servers: b.url });
        const onA = await connect({ servers: a.url });
        await onB.flush();
        await onA.flush();
        assert.ok(!(onB.info?.connect_urls ?? []).includes(a.url), `B's clients must not learn ${a.url}`);
        assert.ok(!(onA.info?.connect_urls ?? []).includes(b.url), `A (no_advertise) must not tell its clients ${b.url}`);
        await onA.close();
        await onB.close();
      } finally {
        await stopAll(nodes);
      }
    });

    test(`${dir}: route permissions: import limits what a node asks for, export what it lets peers ask for`, async () => {
      const nodes: ClusterNode[] = [];
      const conns: NatsConnection[] = [];
      try {
        const perms = { import: { allow: ['imp.>'] }, export: { allow: ['exp.>'] } };
        const conf = `cluster { permissions { import: { allow: ["imp.>"] }, export: { allow: ["exp.>"] } } }`;
        const restricted = acceptor === 'sb' ? { options: { cluster: { permissions: perms } } } : { conf };
        const a = await startNode(acceptor, { name: 'restricted', ...restricted });
        nodes.push(a);
        const b = await startNode(solicitor, { name: 'open', routes: [a.routeUrl] });
        nodes.push(b);
        await waitFor(async () => (await a.numRoutes()) === 1 && (await b.numRoutes()) === 1, 15_000, 'the route');
        const onA = await connect({ servers: a.url });
        const onB = await connect({ servers: b.url });
        conns.push(onA, onB);
        const got: string[] = [];
        for (const s of ['imp.x', 'other.x']) onA.subscribe(s, { callback: (_e, m) => got.push(`a:${m.subject}`) });
        for (const s of ['exp.y', 'nope.y']) onB.subscribe(s, { callback: (_e, m) => got.push(`b:${m.subject}`) });
        await onA.flush();
        await onB.flush();
        // Allowed interest arrives (publish until it does): the restricted node imports imp.>, exports exp.>.
        await waitFor(async () => {
          onB.publish('imp.x');
          onA.publish('exp.y');
          await Promise.all([onA.flush(), onB.flush()]);
          await new Promise((r) => setTimeout(r, 20));
          return got.includes('a:imp.x') && got.includes('b:exp.y');
        }, 15_000, 'allowed interest across the route');
        // Interest outside them is not known on the other side: no responders at once (503).
        assert.equal(await requestOutcome(onB, 'other.x'), ErrorCode.NoResponders);
        assert.equal(await requestOutcome(onA, 'nope.y'), ErrorCode.NoResponders);
        assert.ok(!got.includes('a:other.x') && !got.includes('b:nope.y'));
      } finally {
        await stopAll(nodes, conns);
      }
    });

    test(`${dir}: headers, empty and large payloads cross the route intact`, async () => {
      const nodes: ClusterNode[] = [];
      const conns: NatsConnection[] = [];
      try {
        const a = await startNode(acceptor, { name: 'h1' });
        nodes.push(a);
        const b = await startNode(solicitor, { name: 'h2', routes: [a.routeUrl] });
        nodes.push(b);
        await waitFor(async () => (await a.numRoutes()) === 1 && (await b.numRoutes()) === 1, 15_000, 'the route');
        const responder = await connect({ servers: a.url });
        const requester = await connect({ servers: b.url });
        conns.push(responder, requester);
        responder.subscribe('hdr.echo', {
          callback: (_e, m) => {
            const h = headers();
            h.set('X-Seen', m.headers?.get('X-Trace') ?? 'none');
            m.respond(m.data, { headers: h });
          },
        });
        await awaitInterest(requester, responder);
        const h = headers();
        h.set('X-Trace', 'abc-123');
        const r1 = await requester.request('hdr.echo', sc.encode('with headers'), { headers: h, timeout: 10_000 });
        assert.equal(r1.headers?.get('X-Seen'), 'abc-123');
        assert.equal(sc.decode(r1.data), 'with headers');
        const r2 = await requester.request('hdr.echo', new Uint8Array(0), { timeout: 10_000 });
        assert.equal(r2.data.length, 0);
        const big = new Uint8Array(512 * 1024).map((_, i) => i % 251);
        const r3 = await requester.request('hdr.echo', big, { timeout: 10_000 });
        assert.deepEqual(Buffer.from(r3.data), Buffer.from(big));
      } finally {
        await stopAll(nodes, conns);
      }
    });
  }

  test('/routez has nats-server\'s fields', async () => {
    const nodes: ClusterNode[] = [];
    try {
      const sb = await startSb({ name: 'sbz' });
      nodes.push(sb);
      const ns = await startNs({ name: 'nsz', routes: [sb.routeUrl] });
      nodes.push(ns);
      await waitFor(async () => (await sb.numRoutes()) === 1 && (await ns.numRoutes()) === 1, 15_000, 'the route');
      const theirs = (await (await fetch(`${ns.monitorUrl}/routez`)).json()) as { routes: Record<string, unknown>[] };
      const ours = routez(sb.server!);
      const keys = (o: object) => Object.keys(o).sort();
      assert.deepEqual(keys(ours.routes[0]), keys(theirs.routes[0]));
      assert.equal(ours.num_routes, 1);
      assert.equal(ours.routes[0].did_solicit, false);
      assert.equal(theirs.routes[0].did_solicit, true);
      assert.equal(ours.routes[0].is_configured, false);
      assert.equal(theirs.routes[0].is_configured, true);
      // /varz: the cluster section and the cluster's client URLs, as nats-server shows them.
      const v = varz(sb.server!) as unknown as { cluster: Record<string, unknown>; routes: number; connect_urls?: string[] };
      const nv = (await (await fetch(`${ns.monitorUrl}/varz`)).json()) as { cluster: Record<string, unknown>; routes: number; connect_urls?: string[] };
      assert.deepEqual([v.cluster.name, v.cluster.addr, v.cluster.cluster_port, v.routes], ['demo', '127.0.0.1', sb.clusterPort, 1]);
      assert.deepEqual([nv.cluster.name, nv.cluster.addr, nv.cluster.cluster_port, nv.routes], ['demo', '127.0.0.1', ns.clusterPort, 1]);
      assert.deepEqual([...(v.connect_urls ?? [])].sort(), [sb.url, ns.url].sort());
      assert.deepEqual([...(nv.connect_urls ?? [])].sort(), [sb.url, ns.url].sort());
    } finally {
      await stopAll(nodes);
    }
  });

  test('the switchboard CLI joins a nats-server cluster with --cluster, --cluster_name and --routes', async () => {
    let ns: ClusterNode | undefined;
    let proc: Awaited<ReturnType<typeof startProcess>> | undefined;
    try {
      ns = await startNs({ name: 'cli-seed', clusterName: 'cli' });
      proc = await startProcess('switchboard', ['-n', 'cli-sb', '--cluster', 'nats://127.0.0.1:-1', '--cluster_name', 'cli', '--routes', ns.routeUrl], { startTimeoutMs: 60_000 });
      await waitFor(async () => (await ns!.numRoutes()) === 1, 15_000, 'the CLI node routed');
      const sub = await connect({ servers: proc.url });
      const pub = await connect({ servers: ns.url });
      const got: string[] = [];
      sub.subscribe('cli.test', { callback: (_e, m) => got.push(sc.decode(m.data)) });
      await awaitInterest(pub, sub);
      pub.publish('cli.test', sc.encode('via-route'));
      await pub.flush();
      await waitFor(() => got.length === 1, 10_000, 'message across the route');
      assert.deepEqual(got, ['via-route']);
      assert.match(proc.output(), /Listening for route connections on 127\.0\.0\.1:\d+/);
      await sub.close();
      await pub.close();
    } finally {
      await proc?.stop();
      await ns?.stop();
    }
  });
});
