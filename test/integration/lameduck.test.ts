import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { connect, Events, type NatsConnection } from 'nats';
import { startEmbedded, waitFor } from '../helpers/servers.js';

test('lame duck moves every client to the other server, paced, after an ldm INFO', async () => {
  const a = await startEmbedded({ lameDuckDuration: 2500, lameDuckGracePeriod: 500 });
  const b = await startEmbedded();
  const conns: NatsConnection[] = [];
  const ldmSeen = new Set<number>();
  const closeTimes: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const nc = await connect({ servers: [a.url, b.url], noRandomize: true, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
      assert.equal(nc.info?.port, a.port);
      (async () => {
        for await (const s of nc.status()) {
          if (s.type === Events.LDM) ldmSeen.add(i);
        }
      })().catch(() => {});
      await nc.flush(); // first PONG: the connection now takes async INFO
      conns.push(nc);
    }
    a.server.on('ldm:progress', () => closeTimes.push(Date.now()));
    const states: string[] = [];
    a.server.on('ldm:start', () => states.push('start'));
    a.server.on('ldm:done', () => states.push('done'));
    const started = Date.now();
    const done = a.server.lameDuck();
    await waitFor(() => states.includes('start'), 2000, 'ldm start');

    // No new connection is accepted while in lame duck mode.
    const refused = await new Promise<boolean>((resolve) => {
      const s = tcpConnect({ host: '127.0.0.1', port: a.port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    assert.ok(refused, 'lame duck server must refuse new connections');

    await done;
    assert.deepEqual(states, ['start', 'done']);
    assert.equal(a.server.clients.size, 0);
    // Every client saw the ldm INFO before being closed.
    assert.equal(ldmSeen.size, 6);
    // Clients were closed after the grace period and not all at once.
    assert.equal(closeTimes.length, 6);
    assert.ok(closeTimes[0] - started >= 450, `first close ${closeTimes[0] - started}ms after start, before the grace period`);
    assert.ok(closeTimes[5] - closeTimes[0] >= 500, 'closes spread over the duration');
    // Everyone reconnected to b and still works.
    await waitFor(() => conns.every((c) => c.info?.port === b.port), 5000, 'clients on b');
    const sub = conns[0].subscribe('after.ldm', { max: 1 });
    await conns[0].flush();
    conns[1].publish('after.ldm');
    for await (const _m of sub) break;
  } finally {
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
    await a.server.shutdown();
    await b.server.shutdown();
  }
});
