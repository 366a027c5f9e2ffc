import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { startProcess, waitFor, natsServerAvailable, type ProcServer } from '../../../../test/helpers/servers.js';

/** Top-level JSON keys of each monitoring endpoint, Switchboard's console vs nats-server 2.9.10's `-m`, with one client each. */
test('monitoring endpoints: same JSON keys as nats-server -m', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
  const monitorURL = async (p: ProcServer) => {
    let url = '';
    await waitFor(() => {
      const m = /Starting http monitor on (?:http:\/\/)?(\S+)/.exec(p.output());
      if (m) url = `http://${m[1]}`;
      return !!m;
    }, 5000, 'monitor URL');
    return url;
  };
  // Monitoring only (no --data_dir), as nats-server -m.
  const sb = await startProcess('switchboard', ['-m', '-1']);
  const ns = await startProcess('nats-server', ['-m', '-1']);
  const clients = await Promise.all([connect({ servers: sb.url }), connect({ servers: ns.url })]);
  try {
    for (const c of clients) c.subscribe('diff.>');
    await Promise.all(clients.map((c) => c.flush()));
    const [a, b] = await Promise.all([monitorURL(sb), monitorURL(ns)]);
    for (const path of ['/varz', '/connz?subs=1', '/routez', '/gatewayz', '/subsz', '/accountz', '/accstatz', '/healthz']) {
      const [x, y] = await Promise.all([a, b].map(async (u) => (await fetch(`${u}${path}`)).json() as Promise<Record<string, unknown>>));
      const missing = Object.keys(y).filter((k) => !(k in x));
      assert.deepEqual(missing, [], `${path}: keys nats-server has and Switchboard lacks`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await sb.stop();
    await ns.stop();
  }
});
