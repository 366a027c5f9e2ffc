import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/servers.js';
import { startSb, stopAll, type ClusterNode } from './nodes.js';

test('a reload adds a route to solicit, and one taken out of the list is closed as removed', async () => {
  const nodes: ClusterNode[] = [];
  try {
    const a = await startSb({ name: 'ra' });
    nodes.push(a);
    const b = await startSb({ name: 'rb' });
    nodes.push(b);
    const base = { ...b.server!.opts };
    const withRoute = await b.server!.reload({ ...base, cluster: { ...base.cluster!, routes: [a.routeUrl] } });
    assert.equal(withRoute.ok, true, withRoute.errors.join('; '));
    await waitFor(async () => (await a.numRoutes()) === 1 && (await b.numRoutes()) === 1, 15_000, 'the route added by reload');
    const without = await b.server!.reload({ ...base, cluster: { ...base.cluster!, routes: [] } });
    assert.equal(without.ok, true, without.errors.join('; '));
    await waitFor(async () => (await a.numRoutes()) === 0 && (await b.numRoutes()) === 0, 15_000, 'the route removed by reload');
    await waitFor(() => /Route connection closed: Route Removed/.test(b.output()), 5_000, 'the removal logged');
  } finally {
    await stopAll(nodes);
  }
});

test('cluster TLS with unreadable certificate files is refused at start (routes never fall back to plaintext)', async () => {
  await assert.rejects(
    startSb({ name: 'tls', options: { cluster: { tls: { certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' } } } }),
    /cluster tls: error reading certificate \/nonexistent\/c\.pem/,
  );
});
