import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { connect } from 'nats';
import { varz, type Switchboard } from '@switchboard/broker';
import { metricsPlugin } from './metrics.js';
import { startEmbedded, waitFor } from '../../../../test/helpers/servers.js';

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
