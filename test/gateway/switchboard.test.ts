/**
 * Super clusters of Switchboard single-node clusters: two and three clusters joined by
 * gateways, with the real `nats` client.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { waitFor } from '../helpers/servers.js';
import { client, startSwitchboard, stopAll, waitInterest, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

describe('gateways between Switchboard clusters', () => {
  test('two clusters: stream both ways in order, request/reply across', async () => {
    let a: Node | undefined;
    let b: Node | undefined;
    const conns: NatsConnection[] = [];
    try {
      a = await startSwitchboard('A');
      b = await startSwitchboard('B', [{ name: 'A', url: a.gatewayUrl }]);
      await waitMesh([a, b]);
      const ca = await client(a);
      const cb = await client(b);
      conns.push(ca, cb);
      for (const [pub, sub] of [
        [ca, cb],
        [cb, ca],
      ] as const) {
        const got: string[] = [];
        const s = sub.subscribe('orders.>', { callback: (_e, m) => got.push(sc.decode(m.data)) });
        await waitInterest(pub, sub);
        for (let i = 0; i < 200; i++) pub.publish(`orders.${i % 3}`, sc.encode(String(i)));
        await pub.flush();
        await waitFor(() => got.length >= 200, 20_000, 'stream across the gateway');
        assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => String(i)));
        s.unsubscribe();
      }
      cb.subscribe('svc.echo', { callback: (_e, m) => m.respond(sc.encode(`echo:${sc.decode(m.data)}`)) });
      await waitInterest(ca, cb);
      const r = await ca.request('svc.echo', sc.encode('hi'), { timeout: 5000 });
      assert.equal(sc.decode(r.data), 'echo:hi');
    } finally {
      await stopAll([...conns, a, b]);
    }
  });
});
