/**
 * A super cluster of a nats-server 2.9.10 cluster and a Switchboard cluster (single nodes),
 * in both soliciting directions: Switchboard dials nats-server, and nats-server dials Switchboard.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, createInbox, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import type { OptionsInput } from '@switchboard/shared';
import { client, startNatsServer, startSwitchboard, stopAll, waitInterest, waitMesh, type Node, type RemoteSpec } from './helpers.js';

const sc = StringCodec();

/** Accounts A and B (users a/a, b/b) and the system account SYS (sys/sys), on both servers. */
const SB_ACCOUNTS: OptionsInput = {
  accounts: {
    A: { users: [{ user: 'a', password: 'a' }] },
    B: { users: [{ user: 'b', password: 'b' }] },
    SYS: { users: [{ user: 'sys', password: 'sys' }] },
  },
  systemAccount: 'SYS',
};
const NS_ACCOUNTS = `accounts {
  A: { users: [{user: a, password: a}] }
  B: { users: [{user: b, password: b}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS`;

interface PairOpts {
  accounts?: boolean;
  sbGatewayPort?: number;
  nsGatewayPort?: number;
}

async function startSb(remotes: RemoteSpec[], o: PairOpts): Promise<Node> {
  return startSwitchboard('SB', remotes, o.accounts ? SB_ACCOUNTS : {}, o.sbGatewayPort ? { port: o.sbGatewayPort } : {});
}

async function startNs(remotes: RemoteSpec[], o: PairOpts): Promise<Node> {
  return startNatsServer('NS', remotes, { extraConf: o.accounts ? NS_ACCOUNTS : '', gatewayPort: o.nsGatewayPort });
}

/** Starts the pair with `solicitor` dialing the other one (the other learns it implicitly). */
async function pair(solicitor: 'switchboard' | 'nats-server', o: PairOpts = {}): Promise<{ sb: Node; ns: Node }> {
  if (solicitor === 'switchboard') {
    const ns = await startNs([], o);
    try {
      const sb = await startSb([{ name: 'NS', url: ns.gatewayUrl }], o);
      return { sb, ns };
    } catch (e) {
      await ns.stop();
      throw e;
    }
  }
  const sb = await startSb([], o);
  try {
    const ns = await startNs([{ name: 'SB', url: sb.gatewayUrl }], o);
    return { sb, ns };
  } catch (e) {
    await sb.stop();
    throw e;
  }
}

/** nats-server logged no error about the gateway (a protocol problem shows up there first). */
function assertNoGatewayErrors(ns: Node): void {
  const errs = ns.output().split('\n').filter((l) => l.includes('[ERR]') && !/connection refused|Gateway connection closed|EOF|reset by peer/i.test(l));
  assert.deepEqual(errs, [], 'nats-server errors');
}

for (const solicitor of ['switchboard', 'nats-server'] as const) {
  describe(`mixed super cluster, ${solicitor} solicits`, { skip: !natsServerAvailable() }, () => {
    test('stream delivery both ways in order, request/reply across', async () => {
      let nodes: { sb: Node; ns: Node } | undefined;
      const conns: NatsConnection[] = [];
      try {
        nodes = await pair(solicitor);
        const { sb, ns } = nodes;
        await waitMesh([sb, ns]);
        const csb = await client(sb);
        const cns = await client(ns);
        conns.push(csb, cns);
        // 2.9 behaviour on both sides: every account is interest-only at once (gateway_iom).
        await waitFor(async () => {
          const a = (await sb.gatewayz('accs=true')).outbound_gateways.NS?.accounts?.find((x) => x.name === '$G');
          const b = (await ns.gatewayz('accs=true')).outbound_gateways.SB?.accounts?.find((x) => x.name === '$G');
          return a?.interest_mode === 'Interest-Only' && b?.interest_mode === 'Interest-Only';
        }, 20_000, '$G interest-only on both outbound links');
        for (const [pub, sub, what] of [
          [csb, cns, 'switchboard → nats-server'],
          [cns, csb, 'nats-server → switchboard'],
        ] as const) {
          const got: string[] = [];
          const s = sub.subscribe('orders.*', { callback: (_e, m) => got.push(sc.decode(m.data)) });
          await waitInterest(pub, sub);
          for (let i = 0; i < 500; i++) pub.publish(`orders.${i % 5}`, sc.encode(String(i)));
          await pub.flush();
          await waitFor(() => got.length >= 500, 20_000, `stream ${what}`);
          assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => String(i)), what);
          s.unsubscribe();
        }
        // Request/reply across, both ways (headers too).
        for (const [req, rep, what] of [
          [csb, cns, 'switchboard asks nats-server'],
          [cns, csb, 'nats-server asks switchboard'],
        ] as const) {
          const s = rep.subscribe('svc.upper', { callback: (_e, m) => m.respond(sc.encode(sc.decode(m.data).toUpperCase())) });
          await waitInterest(req, rep);
          for (let i = 0; i < 20; i++) {
            const r = await req.request('svc.upper', sc.encode(`hello ${i}`), { timeout: 5000 });
            assert.equal(sc.decode(r.data), `HELLO ${i}`, what);
          }
          s.unsubscribe();
        }
        // No responder in any cluster: no_responders (503) right away, from either side.
        for (const nc of [csb, cns]) {
          await assert.rejects(nc.request('nobody.anywhere', undefined, { timeout: 5000 }), (e: Error & { code?: string }) => e.code === '503');
        }
        assertNoGatewayErrors(ns);
      } finally {
        await stopAll([...conns, nodes?.sb, nodes?.ns]);
      }
    });

    test('a reply to a new inbox travels as _GR_.<cluster>.<server>. and comes straight back', async () => {
      let sb: Node | undefined;
      let ns: Node | undefined;
      const conns: NatsConnection[] = [];
      try {
        if (solicitor === 'switchboard') {
          ns = await startNs([], {});
          sb = await startSwitchboard('SB', [{ name: 'NS', url: ns.gatewayUrl }], { trace: true });
        } else {
          sb = await startSwitchboard('SB', [], { trace: true });
          ns = await startNs([{ name: 'SB', url: sb.gatewayUrl }], {});
        }
        await waitMesh([sb, ns]);
        const csb = await client(sb);
        const cns = await client(ns);
        conns.push(csb, cns);
        cns.subscribe('svc.ns', { callback: (_e, m) => m.respond(sc.encode(`ns got reply ${m.reply?.startsWith('_GR_') ? 'prefixed' : 'plain'}`)) });
        csb.subscribe('svc.sb', { callback: (_e, m) => m.respond(sc.encode(`sb got reply ${m.reply?.startsWith('_GR_') ? 'prefixed' : 'plain'}`)) });
        await waitInterest(csb, cns);
        await waitInterest(cns, csb);
        // A fresh inbox subscription each time (no mux): its interest may not have crossed yet.
        const ask = async (nc: NatsConnection, subject: string) => {
          const inbox = createInbox();
          const sub = nc.subscribe(inbox, { max: 1 });
          nc.publish(subject, undefined, { reply: inbox });
          for await (const m of sub) return sc.decode(m.data);
          return '';
        };
        // Clients never see the prefix; the request left Switchboard with it.
        assert.equal(await ask(csb, 'svc.ns'), 'ns got reply plain');
        assert.match(sb.output(), /->> \[RMSG \$G svc\.ns _GR_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{6}\._INBOX\./);
        // nats-server's request arrives prefixed; Switchboard's client answers the plain reply, which goes back as _GR_.
        assert.equal(await ask(cns, 'svc.sb'), 'sb got reply plain');
        assert.match(sb.output(), /<<- \[RMSG \$G svc\.sb _GR_\./);
        assert.match(sb.output(), /->> \[RMSG \$G _GR_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{6}\._INBOX\./);
        assertNoGatewayErrors(ns);
      } finally {
        await stopAll([...conns, sb, ns]);
      }
    });

    test('queue geo-affinity: local member first, then the other cluster, exactly once', async () => {
      let nodes: { sb: Node; ns: Node } | undefined;
      const conns: NatsConnection[] = [];
      try {
        nodes = await pair(solicitor);
        const { sb, ns } = nodes;
        await waitMesh([sb, ns]);
        const csb = await client(sb);
        const cns = await client(ns);
        const wsb = await client(sb);
        conns.push(csb, cns, wsb);
        const gotBy = { SB: [] as string[], NS: [] as string[] };
        // A worker in each cluster, same queue group; each answers with its cluster's name.
        const qsb = wsb.subscribe('work', { queue: 'workers', callback: (_e, m) => (gotBy.SB.push(sc.decode(m.data)), m.respond(sc.encode('SB'))) });
        cns.subscribe('work', { queue: 'workers', callback: (_e, m) => (gotBy.NS.push(sc.decode(m.data)), m.respond(sc.encode('NS'))) });
        await wsb.flush();
        await waitInterest(csb, cns);
        await waitInterest(cns, wsb);
        // Requests from each cluster are answered in that cluster.
        for (let i = 0; i < 10; i++) {
          assert.equal(sc.decode((await csb.request('work', sc.encode(`sb${i}`), { timeout: 5000 })).data), 'SB');
          assert.equal(sc.decode((await cns.request('work', sc.encode(`ns${i}`), { timeout: 5000 })).data), 'NS');
        }
        // Plain publishes: every message once, in its own cluster.
        for (let i = 0; i < 100; i++) csb.publish('work', sc.encode(`p${i}`));
        await csb.flush();
        await waitFor(() => gotBy.SB.filter((x) => x.startsWith('p')).length === 100, 20_000, 'local queue member gets all');
        // The local member leaves: the other cluster's member answers, each message exactly once.
        qsb.unsubscribe();
        await wsb.flush();
        assert.equal(sc.decode((await csb.request('work', sc.encode('after'), { timeout: 5000 })).data), 'NS');
        for (let i = 0; i < 100; i++) csb.publish('work', sc.encode(`q${i}`));
        await csb.flush();
        await waitFor(() => gotBy.NS.filter((x) => x.startsWith('q')).length >= 100, 20_000, 'remote queue member gets all');
        // A control message after them: nothing more arrives for the q-series (exactly once).
        await csb.request('work', sc.encode('control'), { timeout: 5000 });
        assert.deepEqual(gotBy.NS.filter((x) => x.startsWith('q')), Array.from({ length: 100 }, (_, i) => `q${i}`));
        assert.equal(gotBy.SB.filter((x) => x.startsWith('q')).length, 0);
        assert.equal(gotBy.NS.filter((x) => x.startsWith('p')).length, 0, 'no duplicates while the local member existed');
        assertNoGatewayErrors(ns);
      } finally {
        await stopAll([...conns, nodes?.sb, nodes?.ns]);
      }
    });

    test('accounts stay isolated across the gateway', async () => {
      let nodes: { sb: Node; ns: Node } | undefined;
      const conns: NatsConnection[] = [];
      try {
        nodes = await pair(solicitor, { accounts: true });
        const { sb, ns } = nodes;
        await waitMesh([sb, ns]);
        for (const [from, to] of [
          [sb, ns],
          [ns, sb],
        ] as const) {
          const subA = await client(to, { user: 'a', pass: 'a' });
          const subB = await client(to, { user: 'b', pass: 'b' });
          const pubA = await client(from, { user: 'a', pass: 'a' });
          const pubB = await client(from, { user: 'b', pass: 'b' });
          conns.push(subA, subB, pubA, pubB);
          const gotA: string[] = [];
          const gotB: string[] = [];
          subA.subscribe('secret.>', { callback: (_e, m) => gotA.push(`${m.subject}:${sc.decode(m.data)}`) });
          subB.subscribe('other', { callback: (_e, m) => gotB.push(`${m.subject}:${sc.decode(m.data)}`) });
          await waitInterest(pubA, subA);
          await waitInterest(pubB, subB);
          // Account B publishes on A's subject: must not reach A. Then A's own message, as a marker.
          pubB.publish('secret.x', sc.encode('from-b'));
          await pubB.flush();
          pubA.publish('other', sc.encode('from-a'));
          await pubA.flush();
          pubA.publish('secret.x', sc.encode('from-a'));
          await pubA.flush();
          pubB.publish('other', sc.encode('from-b'));
          await pubB.flush();
          await waitFor(() => gotA.length >= 1 && gotB.length >= 1, 20_000, 'same-account deliveries');
          assert.deepEqual(gotA, ['secret.x:from-a'], `${from.kind} → ${to.kind}, account A`);
          assert.deepEqual(gotB, ['other:from-b'], `${from.kind} → ${to.kind}, account B`);
        }
        assertNoGatewayErrors(ns);
      } finally {
        await stopAll([...conns, nodes?.sb, nodes?.ns]);
      }
    });

    test('$SYS PING is answered by every server of the super cluster', async () => {
      let nodes: { sb: Node; ns: Node } | undefined;
      const conns: NatsConnection[] = [];
      try {
        nodes = await pair(solicitor, { accounts: true });
        const { sb, ns } = nodes;
        await waitMesh([sb, ns]);
        for (const node of [sb, ns]) {
          const sys = await client(node, { user: 'sys', pass: 'sys' });
          conns.push(sys);
          const names = new Set<string>();
          const inbox = createInbox();
          sys.subscribe(inbox, { callback: (_e, m) => names.add((JSON.parse(sc.decode(m.data)) as { server: { name: string } }).server.name) });
          await sys.flush();
          // Repeated until both answer: the other cluster may still be learning this inbox's interest.
          await waitFor(async () => {
            sys.publish('$SYS.REQ.SERVER.PING', undefined, { reply: inbox });
            await sys.flush();
            return names.size >= 2;
          }, 20_000, `PING answers seen from ${node.kind}`);
          assert.deepEqual([...names].sort(), ['nats-NS', 'sb-SB']);
        }
        // $SYS.REQ.SERVER.PING.GATEWAYZ: every server reports its gateways (as the console reads them).
        const sys = conns[0];
        const gwNames = new Set<string>();
        const inbox2 = createInbox();
        sys.subscribe(inbox2, {
          callback: (_e, m) => {
            const r = JSON.parse(sc.decode(m.data)) as { data?: { name?: string; outbound_gateways?: Record<string, unknown> } };
            if (r.data?.name && r.data.outbound_gateways && Object.keys(r.data.outbound_gateways).length === 1) gwNames.add(r.data.name);
          },
        });
        await sys.flush();
        await waitFor(async () => {
          sys.publish('$SYS.REQ.SERVER.PING.GATEWAYZ', undefined, { reply: inbox2 });
          await sys.flush();
          return gwNames.size >= 2;
        }, 20_000, 'GATEWAYZ from every server');
        assert.deepEqual([...gwNames].sort(), ['NS', 'SB']);
        // The console's in-process $SYS API sees every server of the super cluster too.
        let seen: string[] = [];
        await waitFor(async () => {
          const all = (await sb.sb!.events.requestMany('$SYS.REQ.SERVER.PING', '', { timeoutMs: 1000 })) as Array<{ server: { name: string; cluster?: string } }>;
          seen = all.map((r) => `${r.server.cluster}/${r.server.name}`).sort();
          return seen.length >= 2;
        }, 20_000, 'in-process PING answers');
        assert.deepEqual(seen, ['NS/nats-NS', 'SB/sb-SB']);
      } finally {
        await stopAll([...conns, nodes?.sb, nodes?.ns]);
      }
    });

    test('a gateway link cut and restored', async () => {
      let sb: Node | undefined;
      let ns: Node | undefined;
      const conns: NatsConnection[] = [];
      try {
        ({ sb, ns } = await pair(solicitor));
        await waitMesh([sb, ns]);
        // Cut: the peer that was dialed goes away; the link goes down on the other side.
        const nsPort = ns.gatewayPort;
        const sbPort = sb.gatewayPort;
        if (solicitor === 'switchboard') {
          await ns.stop();
          await waitFor(() => !sb!.linkedTo('NS') && sb!.sb!.gateway.out.size === 0, 20_000, 'link down at switchboard');
          const st = sb.sb!.gateway.remotes().find((r) => r.name === 'NS');
          assert.ok(st && st.state !== 'connected', 'remote shown as not connected');
          ns = await startNs([], { nsGatewayPort: nsPort });
        } else {
          await sb.stop();
          await waitFor(() => /Gateway connection closed/.test(ns!.output()), 20_000, 'link down at nats-server');
          sb = await startSb([], { sbGatewayPort: sbPort });
        }
        // Restored: the soliciting side dials again (every second) and the mesh is back.
        await waitMesh([sb, ns], 40_000);
        const csb = await client(sb);
        const cns = await client(ns);
        conns.push(csb, cns);
        for (const [pub, sub] of [
          [csb, cns],
          [cns, csb],
        ] as const) {
          const got: string[] = [];
          sub.subscribe('after.cut', { callback: (_e, m) => got.push(sc.decode(m.data)) });
          await waitInterest(pub, sub);
          for (let i = 0; i < 50; i++) pub.publish('after.cut', sc.encode(String(i)));
          await pub.flush();
          await waitFor(() => got.length >= 50, 20_000, 'delivery after restore');
          assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => String(i)));
        }
      } finally {
        await stopAll([...conns, sb, ns]);
      }
    });
  });
}
