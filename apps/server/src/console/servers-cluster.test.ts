/*
 * Issue 15: the Overview's Routes column with a cluster. STATSZ `routes` is nats-server 2.9.10's
 * RouteStat list (events.go: rid, name, sent, received, pending; omitted without routes) on both
 * sides of a mixed cluster, and /api/servers (what the Overview counts) passes it on as heard:
 * a Switchboard node and a nats-server node, routed together, each list one route naming the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ServerListSchema } from '@switchboard/shared';
import { login, startConsole } from '../../../../test/helpers/console.js';
import { natsServerAvailable, startProcess, waitFor } from '../../../../test/helpers/servers.js';

test('mixed cluster: /api/servers lists each server with one route (nats-server RouteStat shape) naming its peer', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
  const c = await startConsole('server_name: sb-a\ncluster { name: mx, listen: "127.0.0.1:-1" }\n');
  const port = c.server.clusterModule!.port;
  const ns = await startProcess('nats-server', ['-n', 'ns-b', '--cluster_name', 'mx', '--cluster', 'nats://127.0.0.1:-1', '--routes', `nats-route://127.0.0.1:${port}`]);
  try {
    const cookie = await login(c.app, 'admin', 'secret');
    let servers: ReturnType<typeof ServerListSchema.parse>['servers'] = [];
    await waitFor(
      async () => {
        await c.app.consoleContext.sampler.tick();
        servers = ServerListSchema.parse((await c.app.inject({ url: '/api/servers', headers: { cookie } })).json()).servers;
        return servers.length === 2 && servers.every((s) => s.statsz?.statsz.routes?.length === 1);
      },
      15_000,
      'both servers heard with their route',
    );
    const byName = new Map(servers.map((s) => [s.name, s.statsz!.statsz.routes![0]]));
    assert.deepEqual([...byName.keys()].sort(), ['ns-b', 'sb-a']);
    assert.equal(byName.get('sb-a')!.name, 'ns-b');
    assert.equal(byName.get('ns-b')!.name, 'sb-a');
    for (const r of byName.values()) {
      assert.deepEqual(Object.keys(r).sort(), ['name', 'pending', 'received', 'rid', 'sent']);
      assert.ok(r.rid > 0);
    }
    // What one side sent over the route is what the other received (give or take messages in flight).
    assert.ok(byName.get('sb-a')!.sent.msgs > 0);
  } finally {
    await ns.stop();
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});
