/**
 * A link that goes silent without closing (the peer process stopped: no FIN, no RST): the
 * gateway PINGs notice it, the link is dropped and re-dialed, and it comes back once the peer
 * runs again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { client, startNatsServer, startSwitchboard, stopAll, waitInterest, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

test('a silent peer is detected as stale and the link restored when it resumes', { skip: !natsServerAvailable() }, async () => {
  let ns: Node | undefined;
  let sb: Node | undefined;
  const conns: NatsConnection[] = [];
  let stopped = false;
  try {
    ns = await startNatsServer('NS');
    sb = await startSwitchboard('SB', [{ name: 'NS', url: ns.gatewayUrl }], { pingInterval: 300, pingMax: 2 });
    await waitMesh([sb, ns]);
    ns.proc!.proc.kill('SIGSTOP');
    stopped = true;
    await waitFor(() => sb!.sb!.gateway.out.size === 0, 20_000, 'stale outbound dropped');
    assert.match(sb.output(), /Stale|handshake did not complete|Gateway connection closed/);
    const st = sb.sb!.gateway.remotes().find((r) => r.name === 'NS');
    assert.notEqual(st?.state, 'connected');
    ns.proc!.proc.kill('SIGCONT');
    stopped = false;
    await waitFor(() => sb!.sb!.gateway.out.has('NS'), 40_000, 'outbound back');
    const csb = await client(sb);
    const cns = await client(ns);
    conns.push(csb, cns);
    const got: string[] = [];
    cns.subscribe('after.stall', { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await waitInterest(csb, cns, 40_000);
    csb.publish('after.stall', sc.encode('back'));
    await csb.flush();
    await waitFor(() => got.length === 1, 20_000, 'delivery after the stall');
  } finally {
    if (stopped) ns?.proc?.proc.kill('SIGCONT');
    await stopAll([...conns, sb, ns]);
  }
});
