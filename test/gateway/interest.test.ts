/**
 * Interest modes across gateways: optimistic sending pruned by RS-/A-, and the switch of an
 * account to interest-only after 1000 RS- (nats-server's threshold), with nats-server 2.9.10 on
 * the sending side and with Switchboard on both sides. 2.9 servers switch every account at
 * once (`gateway_iom`); `gatewayTuning.forceInterestOnly = false` makes Switchboard's inbound
 * side behave as the optimistic servers before 2.9, which nats-server 2.9 still serves.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { gatewayTuning } from '@switchboard/broker';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { client, startNatsServer, startSwitchboard, stopAll, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

/** `$G` messages the Switchboard node (tracing) received from gateways on `prefix` subjects (from its trace log). */
function arrived(n: Node, prefix: string): number {
  return n.output().split('\n').filter((l) => l.includes(`<<- [RMSG $G ${prefix}`)).length;
}

describe('interest modes', () => {
  before(() => {
    gatewayTuning.forceInterestOnly = false;
  });
  after(() => {
    gatewayTuning.forceInterestOnly = true;
  });

  for (const sender of ['nats-server', 'switchboard'] as const) {
    test(`optimistic with RS- pruning, then interest-only past 1000 subjects (${sender} sends)`, { skip: sender === 'nats-server' && !natsServerAvailable() }, async () => {
      let recv: Node | undefined;
      let send: Node | undefined;
      const conns: NatsConnection[] = [];
      try {
        recv = await startSwitchboard('RECV', [], { trace: true });
        send = sender === 'nats-server' ? await startNatsServer('SEND', [{ name: 'RECV', url: recv.gatewayUrl }]) : await startSwitchboard('SEND', [{ name: 'RECV', url: recv.gatewayUrl }]);
        await waitMesh([recv, send]);
        const sub = await client(recv);
        const pub = await client(send);
        conns.push(sub, pub);
        const got: string[] = [];
        sub.subscribe('keep.>', { callback: (_e, m) => got.push(m.subject) });
        await sub.flush();
        // Optimistic: the sender sends without knowing of keep.>; a first message proves it.
        await waitFor(async () => {
          pub.publish('keep.first');
          await pub.flush();
          return got.includes('keep.first');
        }, 20_000, 'optimistic delivery');
        const acc = async () => (await send!.gatewayz('accs=true&acc_name=$G')).outbound_gateways.RECV?.accounts?.find((a) => a.name === '$G');
        // Subjects without interest get an RS- each; the sender stops sending them.
        for (let i = 0; i < 10; i++) pub.publish(`noint.${i}`);
        await pub.flush();
        await waitFor(async () => (await acc())?.no_interest_count === 10, 20_000, 'RS- recorded by the sender');
        assert.equal((await acc())?.interest_mode, 'Optimistic');
        const before = arrived(recv, 'noint.');
        assert.equal(before, 10);
        for (let i = 0; i < 10; i++) pub.publish(`noint.${i}`);
        pub.publish('keep.marker');
        await pub.flush();
        await waitFor(() => got.includes('keep.marker'), 20_000, 'marker after pruned subjects');
        assert.equal(arrived(recv, 'noint.'), before, 'pruned subjects were not sent again');
        // Past the threshold the receiver switches the account: all its subs, then interest-only.
        for (let i = 10; i < 1100; i++) pub.publish(`noint.${i}`);
        await pub.flush();
        await waitFor(async () => (await acc())?.interest_mode === 'Interest-Only', 20_000, 'switch to interest-only at the sender');
        const inb = (await recv.gatewayz('accs=true')).inbound_gateways.SEND?.[0]?.accounts?.find((a) => a.name === '$G');
        assert.equal(inb?.interest_mode, 'Interest-Only');
        assert.ok(((await acc())?.num_subs ?? 0) >= 1, 'the receiver sent its subscriptions');
        // From now on only subscribed subjects cross; new subscriptions are announced.
        // (A marker first: messages sent before the switch may still be on their way.)
        pub.publish('keep.sync');
        await pub.flush();
        await waitFor(() => got.includes('keep.sync'), 20_000, 'sync marker');
        for (let i = 2000; i < 2100; i++) pub.publish(`never.${i}`);
        pub.publish('keep.after');
        await pub.flush();
        await waitFor(() => got.includes('keep.after'), 20_000, 'subscribed subject after the switch');
        assert.equal(arrived(recv, 'never.'), 0, 'unsubscribed subjects do not cross in interest-only mode');
        assert.ok(arrived(recv, 'keep.after') === 1);
        sub.subscribe('late.one', { callback: (_e, m) => got.push(m.subject) });
        await sub.flush();
        await waitFor(async () => {
          pub.publish('late.one');
          await pub.flush();
          return got.includes('late.one');
        }, 20_000, 'a new subscription reaches the sender');
      } finally {
        await stopAll([...conns, send, recv]);
      }
    });
  }

  test('A- for an account without subscriptions, A+ when one appears (Switchboard both sides)', async () => {
    let recv: Node | undefined;
    let send: Node | undefined;
    const conns: NatsConnection[] = [];
    try {
      // Without a system account the global account has no internal (system import) subscriptions.
      recv = await startSwitchboard('RECV', [], { noSystemAccount: true });
      send = await startSwitchboard('SEND', [{ name: 'RECV', url: recv.gatewayUrl }], { noSystemAccount: true });
      await waitMesh([recv, send]);
      const pub = await client(send);
      const sub = await client(recv);
      conns.push(pub, sub);
      const out = send.sb!.gateway.out.get('RECV')!;
      pub.publish('nobody.listens');
      await pub.flush();
      await waitFor(() => out.outsim.has('$G') && out.outsim.get('$G') === null, 20_000, 'A- at the sender');
      const inb = (await recv.gatewayz('accs=true')).inbound_gateways.SEND?.[0]?.accounts?.find((a) => a.name === '$G');
      assert.deepEqual(inb?.interest_mode, 'Optimistic');
      const got: string[] = [];
      sub.subscribe('now.someone', { callback: (_e, m) => got.push(sc.decode(m.data)) });
      await sub.flush();
      await waitFor(() => !out.outsim.has('$G'), 20_000, 'A+ clears it');
      pub.publish('now.someone', sc.encode('hi'));
      await pub.flush();
      await waitFor(() => got.length === 1, 20_000, 'delivery after A+');
    } finally {
      await stopAll([...conns, send, recv]);
    }
  });
});
