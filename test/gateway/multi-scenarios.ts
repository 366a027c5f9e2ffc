/**
 * What a super cluster of multi-server clusters must do, whatever the servers are: checks run on
 * two clusters `A` and `B` (each a list of nodes) once their gateway mesh is complete.
 */
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { waitFor } from '../helpers/servers.js';
import { client, requestUntilAnswered, waitInterest, type MultiNode } from './multi-helpers.js';

const sc = StringCodec();

/** Messages in order from every node to a subscriber on every node of the other cluster. */
export async function streamsAcross(A: MultiNode[], B: MultiNode[], conns: NatsConnection[]): Promise<void> {
  const all = [...A, ...B];
  const cs = await Promise.all(all.map((n) => client(n)));
  conns.push(...cs);
  for (let i = 0; i < all.length; i++) {
    for (let j = 0; j < all.length; j++) {
      if (all[i].cluster === all[j].cluster) continue;
      const subject = `multi.${all[i].name}.${all[j].name}`;
      const got: string[] = [];
      const s = cs[j].subscribe(subject, { callback: (_e, m) => got.push(sc.decode(m.data)) });
      await waitInterest(cs[i], cs[j]);
      for (let k = 0; k < 20; k++) cs[i].publish(subject, sc.encode(String(k)));
      await cs[i].flush();
      await waitFor(() => got.length >= 20, 20_000, `stream ${all[i].name} → ${all[j].name}`);
      assert.deepEqual(got, Array.from({ length: 20 }, (_, k) => String(k)), `${all[i].name} → ${all[j].name}`);
      s.unsubscribe();
    }
  }
}

/**
 * Request/reply from every node to a responder on every node of the other cluster, each from a
 * fresh connection (its reply subscription is new, so the reply travels as `_GR_.…`).
 * For each responder, a requester is also picked on the server of its cluster where the
 * responder's outbound gateway does not land: the reply then has to cross a route at home.
 */
export async function requestsAcross(A: MultiNode[], B: MultiNode[], conns: NatsConnection[]): Promise<void> {
  const all = [...A, ...B];
  const responders = await Promise.all(all.map((n) => client(n)));
  conns.push(...responders);
  // Clients never see a gateway-routed reply subject: the server that delivers strips it.
  const routedReplies: string[] = [];
  responders.forEach((c, i) =>
    c.subscribe(`svc.${all[i].name}`, {
      callback: (_e, m) => {
        if (/^(_GR_|\$GR)\./.test(m.reply ?? '')) routedReplies.push(`${all[i].name}: ${m.reply}`);
        m.respond(sc.encode(all[i].name));
      },
    }),
  );
  await Promise.all(responders.map((c) => c.flush()));
  const ids = new Map<string, string>();
  for (const n of all) ids.set((await n.gatewayz()).server_id, n.name);
  for (let j = 0; j < all.length; j++) {
    const home = all[j].cluster === A[0].cluster ? B : A;
    // Interest first (an old connection), then fresh requesters.
    const warm = await client(home[0]);
    conns.push(warm);
    await requestUntilAnswered(warm, `svc.${all[j].name}`);
    for (const p of home) {
      const c = await client(p);
      conns.push(c);
      const m = await c.request(`svc.${all[j].name}`, undefined, { timeout: 10_000 });
      assert.equal(sc.decode(m.data), all[j].name, `${p.name} → ${all[j].name}`);
      await c.close();
    }
    // Where the responder's server sends replies for the requesters' cluster.
    const g = await all[j].gatewayz();
    const landing = ids.get(g.outbound_gateways[home[0].cluster]?.connection?.name ?? '');
    const far = home.find((n) => n.name !== landing);
    assert.ok(far !== undefined, `a requester off ${landing}`);
    for (let k = 0; k < 3; k++) {
      const c = await client(far);
      conns.push(c);
      const m = await c.request(`svc.${all[j].name}`, undefined, { timeout: 10_000 });
      assert.equal(sc.decode(m.data), all[j].name, `${far.name} → ${all[j].name} (reply lands on ${landing})`);
      await c.close();
    }
  }
  assert.deepEqual(routedReplies, [], 'reply subjects seen by responders');
}

/** A request nobody anywhere answers gets no_responders (503) from a node of either cluster. */
export async function noRespondersAcross(A: MultiNode[], B: MultiNode[], conns: NatsConnection[]): Promise<void> {
  for (const n of [...A, ...B]) {
    const c = await client(n);
    conns.push(c);
    await assert.rejects(c.request(`nobody.${n.name}`, undefined, { timeout: 5000 }), (e: Error & { code?: string }) => e.code === '503', `no_responders on ${n.name}`);
  }
}

/**
 * Queue geo-affinity with members on several servers: while `A` has a member (on a server
 * other than the publisher's), every message is served in `A` exactly once; once it leaves,
 * `B`'s members (on both of its servers) serve each message exactly once.
 */
export async function queueAffinity(A: MultiNode[], B: MultiNode[], conns: NatsConnection[]): Promise<void> {
  const subject = `work.${A[0].cluster}`;
  const pub = await client(A[0]);
  const localMember = await client(A[1]);
  const remoteMembers = await Promise.all(B.map((n) => client(n)));
  conns.push(pub, localMember, ...remoteMembers);
  const served = new Map<string, string[]>();
  const take = (who: string) => (_e: unknown, m: { data: Uint8Array; respond: (d?: Uint8Array) => boolean }) => {
    const id = sc.decode(m.data);
    served.set(id, [...(served.get(id) ?? []), who]);
  };
  const local = localMember.subscribe(subject, { queue: 'workers', callback: take(A[1].name) });
  remoteMembers.forEach((c, i) => c.subscribe(subject, { queue: 'workers', callback: take(B[i].name) }));
  await Promise.all([localMember.flush(), ...remoteMembers.map((c) => c.flush())]);
  // The publisher's server knows the member on its peer, and B's members have crossed.
  for (const c of remoteMembers) await waitInterest(pub, c);
  await waitInterest(pub, localMember);
  const N = 50;
  for (let k = 0; k < N; k++) pub.publish(subject, sc.encode(`l${k}`));
  await pub.flush();
  await waitFor(() => [...served.keys()].filter((k) => k.startsWith('l')).length >= N, 20_000, 'local queue deliveries');
  // A copy sent to B would travel ahead of a marker sent after it on the same path.
  await markerReached(pub, remoteMembers, `marker.${A[0].cluster}.1`);
  for (let k = 0; k < N; k++) assert.deepEqual(served.get(`l${k}`), [A[1].name], `l${k} served once, in ${A[0].cluster}`);
  // The local member leaves: B serves, each message once.
  local.unsubscribe();
  await localMember.flush();
  await waitFor(async () => {
    const probe = `r-probe-${Date.now()}`;
    pub.publish(subject, sc.encode(probe));
    await pub.flush();
    await new Promise((r) => setTimeout(r, 200));
    return (served.get(probe) ?? []).some((w) => B.some((n) => n.name === w));
  }, 20_000, 'the remote members serving');
  for (let k = 0; k < N; k++) pub.publish(subject, sc.encode(`r${k}`));
  await pub.flush();
  await waitFor(() => [...served.keys()].filter((k) => /^r\d+$/.test(k)).length >= N, 20_000, 'remote queue deliveries');
  await markerReached(pub, remoteMembers, `marker.${A[0].cluster}.2`);
  for (let k = 0; k < N; k++) {
    const who = served.get(`r${k}`)!;
    assert.equal(who.length, 1, `r${k} served once (${who.join(',')})`);
    assert.ok(B.some((n) => n.name === who[0]), `r${k} served in ${B[0].cluster}`);
  }
}

/** Publishes a marker from `pub` until every one of `conns` has received it. */
async function markerReached(pub: NatsConnection, conns: NatsConnection[], subject: string): Promise<void> {
  const seen = new Set<number>();
  const subs = conns.map((c, i) => c.subscribe(subject, { callback: () => seen.add(i) }));
  await Promise.all(conns.map((c) => c.flush()));
  try {
    for (const c of conns) await waitInterest(pub, c);
    await waitFor(async () => {
      pub.publish(subject);
      await pub.flush();
      await new Promise((r) => setTimeout(r, 100));
      return seen.size === conns.length;
    }, 20_000, `marker ${subject}`);
  } finally {
    for (const s of subs) s.unsubscribe();
  }
}
