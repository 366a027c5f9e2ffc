import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { connect, type NatsConnection } from 'nats';
import { varz, type Switchboard } from '@switchboard/broker';
import { metricsPlugin } from './metrics.js';
import { natsServerAvailable, startEmbedded, startProcess, waitFor } from '../../../../test/helpers/servers.js';
import { client, startNatsServer, startSwitchboard, waitInterest, waitMesh } from '../../../../test/gateway/helpers.js';

const DASHBOARD = new URL('../../grafana/switchboard.json', import.meta.url);

/** Metric names a PromQL expression reads (functions, labels, keywords and ranges left out). */
function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?/g)) {
    const [word, call] = [m[0].replace(/\s*\($/, ''), m[1]];
    if (!call && !keywords.has(word)) names.push(word);
  }
  return names;
}

test('/metrics takes one varz snapshot per scrape, and concurrent scrapes each their own', async () => {
  const { server } = await startEmbedded();
  const app = Fastify();
  let snapshots = 0;
  await app.register(metricsPlugin, {
    server,
    snapshot: (s: Switchboard) => {
      snapshots++;
      return varz(s);
    },
  });
  try {
    const nc = await connect({ servers: `127.0.0.1:${server.port}` });
    nc.publish('x');
    await nc.flush();
    const r = await app.inject('/metrics');
    assert.equal(r.statusCode, 200);
    assert.equal(snapshots, 1);
    assert.match(r.body, /^switchboard_connections 1$/m);
    assert.match(r.body, /^switchboard_in_msgs_total 1$/m);
    await nc.close();
    await waitFor(() => server.clients.size === 0, 10_000, 'the client gone');
    const [a, b] = await Promise.all([app.inject('/metrics'), app.inject('/metrics')]);
    assert.equal(snapshots, 3);
    for (const x of [a, b]) assert.match(x.body, /^switchboard_connections 0$/m);
  } finally {
    await app.close();
    await server.shutdown();
  }
});

test('the Grafana dashboard queries only metrics /metrics exports', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { query?: unknown }[] };
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })));
  for (const v of dashboard.templating.list) {
    const q = typeof v.query === 'object' && v.query ? (v.query as { query: string }).query : undefined;
    if (q?.startsWith('label_values(')) exprs.push({ where: 'variable', expr: q.replace(/^label_values\(([^,)]+).*$/, '$1') });
  }
  const used = new Set(exprs.flatMap((e) => metricsIn(e.expr)));
  assert.ok(used.size >= 10, `the dashboard reads ${used.size} metrics`);
  const { server } = await startEmbedded();
  const app = Fastify();
  await app.register(metricsPlugin, { server });
  try {
    const text = (await app.inject('/metrics')).body;
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]));
    const counters = new Set([...text.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1]));
    assert.deepEqual([...used].filter((n) => !exported.has(n)), [], 'metrics the dashboard queries but /metrics does not export');
    // rate()/increase() only over counters.
    for (const { where, expr } of exprs) {
      for (const m of expr.matchAll(/\b(?:rate|increase|irate)\((\w+)/g)) assert.ok(counters.has(m[1]), `${where}: ${m[1]} is not a counter`);
    }
  } finally {
    await app.close();
    await server.shutdown();
  }
});

test('metricsIn reads metric names, not functions, labels or ranges', () => {
  assert.deepEqual(metricsIn('sum by (instance) (rate(switchboard_in_msgs_total{instance=~"$instance"}[$__rate_interval]))'), ['switchboard_in_msgs_total']);
  assert.deepEqual(metricsIn('a_total / on(job) b_total'), ['a_total', 'b_total']);
});

/** The value of one series in an exposition text (labels in any order), or undefined. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const have = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[2]);
  }
  return undefined;
}

test('per-route and per-gateway traffic: one labelled series per link, counting what crossed it', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
  // Switchboard A: cluster "A" with a nats-server route peer, and a gateway to nats-server cluster "B".
  const a = await startSwitchboard('A', [], { cluster: { name: 'A', host: '127.0.0.1', port: -1 } });
  const routePeer = await startProcess('nats-server', ['-n', 'ns-a2', '--cluster_name', 'A', '--cluster', 'nats://127.0.0.1:-1', '--routes', `nats-route://127.0.0.1:${a.sb!.clusterModule!.port}`]);
  const b = await startNatsServer('B', [{ name: 'A', url: a.gatewayUrl }]);
  const app = Fastify();
  await app.register(metricsPlugin, { server: a.sb! });
  const conns: NatsConnection[] = [];
  try {
    await waitMesh([a, b]);
    await waitFor(() => a.sb!.clusterModule!.routes.size === 1, 20_000, 'the route up');
    const pub = await client(a);
    const onRoute = await connect({ servers: routePeer.url });
    const onB = await client(b);
    conns.push(pub, onRoute, onB);
    const got = { route: 0, gw: 0 };
    onRoute.subscribe('m.route', { callback: () => got.route++ });
    onB.subscribe('m.gw', { callback: () => got.gw++ });
    await onRoute.flush();
    await waitInterest(pub, onB);
    // Interest from the route peer arrives over the route; publish until both have received 5.
    await waitFor(
      async () => {
        pub.publish('m.route', 'r');
        pub.publish('m.gw', 'g');
        await pub.flush();
        return got.route >= 5 && got.gw >= 5;
      },
      20_000,
      'messages over the route and the gateway',
    );
    const text = (await app.inject('/metrics')).body;
    const route = [...a.sb!.clusterModule!.routes.values()][0];
    const rl = { remote_id: route.remoteId, rid: String(route.cid) };
    assert.ok((series(text, 'switchboard_route_out_msgs_total', rl) ?? 0) >= 5, 'route out_msgs');
    assert.ok((series(text, 'switchboard_route_out_bytes_total', rl) ?? 0) >= 5, 'route out_bytes');
    assert.notEqual(series(text, 'switchboard_route_in_msgs_total', rl), undefined);
    assert.notEqual(series(text, 'switchboard_route_pending_bytes', rl), undefined);
    assert.ok((series(text, 'switchboard_gateway_out_msgs_total', { gateway: 'B', direction: 'outbound' }) ?? 0) >= 5, 'gateway out_msgs');
    assert.notEqual(series(text, 'switchboard_gateway_in_msgs_total', { gateway: 'B', direction: 'inbound' }), undefined);
    assert.match(text, /^# TYPE switchboard_gateway_out_bytes_total counter$/m);
  } finally {
    for (const c of conns) await c.close().catch(() => undefined);
    await app.close();
    await b.stop();
    await routePeer.stop();
    await a.stop();
  }
});
