/**
 * The full NATS-based resolver across gateways: a super cluster of two single-server clusters
 * joined by gateways on 127.0.0.1, operator mode with the same operator and system account on
 * both, `resolver: { type: full, dir }` on each. nats-server 2.9.10 alone is the reference
 * (both clusters nats-server), then the mixed super clusters in both soliciting directions
 * (Switchboard's gateway dials nats-server's, and nats-server's dials Switchboard's):
 *
 * - lookup: an account JWT held only by cluster A's server is fetched by cluster B's server on
 *   `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP` across the gateway when a user of that account
 *   connects to B; the user is accepted, the JWT ends on B's disk; messages cross both ways in
 *   that account (also for a subscription made on A before B had the account), request/reply
 *   works across, and both gateways run the account in interest-only mode (/gatewayz);
 * - a `$SYS.REQ.CLAIMS.UPDATE` (and `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.UPDATE`) pushed in one
 *   cluster is answered by both servers and lands on both disks;
 * - an account nobody holds: both servers ask across the gateway, nobody answers, its user
 *   gets `Authorization Violation` on both sides and nothing is stored;
 * - pack sync (short `interval`): a server's own `$SYS.REQ.CLAIMS.PACK` is not answered by its
 *   own `responder` queue member (nats-server's system client has no echo), so with one server
 *   per cluster the other cluster's server answers across the gateway and each ends with the
 *   JWTs only the other held.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringCodec, type NatsConnection } from 'nats';
import { createAccount, type KeyPair } from '@nats-io/nkeys';
import { startProcess, waitFor, type ProcServer } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { freePort } from '../cluster/ports.js';
import { makeAccount, makeOperator, makeUser, type Acc, type Op } from '../../packages/broker/src/jwt/fixtures.test.js';
import { USER_LIMITS as LIM, connectOutcome, natsConnect, skipWithoutNatsServer, stopAfterFile, type Kind } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();
const sc = StringCodec();
// A long interval: no pack sync during a test, only lookups and pushed updates.
const RESOLVER = 'interval: "10m", timeout: "2s"';

interface GwNode {
  kind: Kind;
  /** Gateway (cluster) name. */
  cluster: string;
  srv: ProcServer;
  jwtDir: string;
  httpPort: number;
}

interface NodeSpec {
  kind: Kind;
  cluster: string;
  /** JWTs in `resolver_preload` besides the system account's. */
  preload: Acc[];
  /**
   * Servers (indices) whose gateway URLs this server's `gateways` block lists: it dials their
   * clusters; the others learn this cluster from the inbound (and gossip) and dial back.
   */
  dials?: number[];
  /** A server (index) of the same cluster this one has in its `cluster { routes }`. */
  routeTo?: number;
}

interface Fixtures {
  op: Op;
  sys: Acc;
  sysKp: KeyPair;
}

async function fixtures(): Promise<Fixtures> {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  return { op, sys, sysKp };
}

/** Servers answering `$SYS.REQ.SERVER.PING` seen from `port` (a system user). */
async function pingIds(port: number, sysKp: KeyPair, expect: number): Promise<number> {
  const nc = await natsConnect(port, await makeUser(sysKp, LIM));
  try {
    const ids = new Set<string>();
    const it = await nc.requestMany('$SYS.REQ.SERVER.PING', undefined, { maxWait: 2000, maxMessages: expect });
    for await (const m of it) ids.add((JSON.parse(sc.decode(m.data)) as { server: { id: string } }).server.id);
    return ids.size;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/**
 * Starts the servers in order (every port known before any starts) and returns when a system
 * user on each gets `$SYS.REQ.SERVER.PING` answers from all of them: routes and gateways are up
 * in every direction and the system account's interest crossed them.
 */
async function startSuper<T extends NodeSpec[]>(name: string, fx: Fixtures, specs: [...T], resolver = RESOLVER): Promise<{ [K in keyof T]: GwNode }> {
  const gwPorts: number[] = [];
  const clusterPorts: number[] = [];
  for (let i = 0; i < specs.length; i++) {
    gwPorts.push(await freePort());
    clusterPorts.push(await freePort());
  }
  const nodes: GwNode[] = [];
  for (const [i, spec] of specs.entries()) {
    const dir = tmpDir(`${name}-${spec.kind}`);
    const opFile = join(dir, 'op.jwt');
    writeFileSync(opFile, fx.op.jwt);
    const jwtDir = join(dir, 'jwt');
    mkdirSync(jwtDir, { recursive: true });
    const httpPort = await freePort();
    const byCluster = new Map<string, string[]>();
    for (const d of spec.dials ?? []) byCluster.set(specs[d]!.cluster, [...(byCluster.get(specs[d]!.cluster) ?? []), `"nats://127.0.0.1:${gwPorts[d]}"`]);
    const remotes = [...byCluster].map(([cl, urls]) => `{ name: "${cl}", urls: [${urls.join(', ')}] }`).join(', ');
    const preload = [fx.sys, ...spec.preload].map((a) => `  ${a.pub}: "${a.jwt}"`).join('\n');
    const clustered = specs.some((o, k) => k !== i && o.cluster === spec.cluster);
    const routes = spec.routeTo !== undefined ? `routes: ["nats-route://127.0.0.1:${clusterPorts[spec.routeTo]}"]` : '';
    const conf = [
      `server_name: ${name}-${spec.cluster}${i}-${spec.kind}`,
      `http: "127.0.0.1:${httpPort}"`,
      `operator: "${opFile}"`,
      `resolver: { type: full, dir: "${jwtDir}", ${resolver} }`,
      `resolver_preload: {\n${preload}\n}`,
      clustered ? `cluster { name: "${spec.cluster}", listen: "127.0.0.1:${clusterPorts[i]}", ${routes} }` : '',
      `gateway { name: "${spec.cluster}", listen: "127.0.0.1:${gwPorts[i]}", gateways: [${remotes}] }`,
    ].join('\n');
    writeFileSync(join(dir, 'server.conf'), conf + '\n');
    const srv = await startProcess(spec.kind, ['-c', join(dir, 'server.conf')]);
    procs.push(srv);
    nodes.push({ kind: spec.kind, cluster: spec.cluster, srv, jwtDir, httpPort });
  }
  for (const n of nodes) {
    await waitFor(async () => (await pingIds(n.srv.port, fx.sysKp, nodes.length)) === nodes.length, 90_000, `all ${nodes.length} servers answering $SYS.REQ.SERVER.PING from ${n.kind} (${n.cluster})`);
  }
  return nodes as { [K in keyof T]: GwNode };
}

function stored(node: GwNode, acc: { pub: string }): string | undefined {
  const f = join(node.jwtDir, `${acc.pub}.jwt`);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

interface GatewayzAccounts {
  outbound_gateways: Record<string, { accounts?: Array<{ name: string; interest_mode: string }> }>;
  inbound_gateways: Record<string, Array<{ accounts?: Array<{ name: string; interest_mode: string }> }>>;
}

/** The interest mode of `account` on `node`'s outbound gateway to the other cluster (undefined when not listed). */
async function outboundMode(node: GwNode, remote: string, account: string): Promise<string | undefined> {
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/gatewayz?accs=true&acc_name=${account}`);
  const z = (await r.json()) as GatewayzAccounts;
  return z.outbound_gateways[remote]?.accounts?.find((a) => a.name === account)?.interest_mode;
}

/** A message each way between the two clients, then a request each way. */
async function exchange(a: NatsConnection, b: NatsConnection, label: string): Promise<void> {
  for (const [from, to, dir] of [
    [a, b, 'ab'],
    [b, a, 'ba'],
  ] as const) {
    const got: string[] = [];
    const sub = to.subscribe(`x.${dir}`, { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await to.flush();
    // Interest crosses the gateway asynchronously: publish until one arrives.
    await waitFor(
      async () => {
        from.publish(`x.${dir}`, sc.encode(`hello ${dir}`));
        await from.flush();
        await to.flush();
        return got.length > 0;
      },
      30_000,
      `${label}: a message ${dir}`,
    );
    assert.equal(got[0], `hello ${dir}`, `${label}: payload ${dir}`);
    sub.unsubscribe();

    const svc = to.subscribe(`svc.${dir}`, { callback: (_e, m) => m.respond(sc.encode(`re:${sc.decode(m.data)}`)) });
    await to.flush();
    let answer = '';
    await waitFor(
      async () => {
        try {
          answer = sc.decode((await from.request(`svc.${dir}`, sc.encode('q'), { timeout: 1000 })).data);
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      `${label}: a reply ${dir} across the gateway`,
    );
    assert.equal(answer, 're:q', `${label}: reply ${dir}`);
    svc.unsubscribe();
  }
}

/** Sends `jwt` on `subject` from a system user on `node`; returns the answers' messages (both servers answer). */
async function pushUpdate(node: GwNode, sysKp: KeyPair, subject: string, jwt: string): Promise<string[]> {
  const nc = await natsConnect(node.srv.port, await makeUser(sysKp, LIM));
  clients.push(nc);
  const replies: string[] = [];
  const it = await nc.requestMany(subject, sc.encode(jwt), { maxWait: 10_000, maxMessages: 2 });
  for await (const m of it) {
    const body = JSON.parse(sc.decode(m.data)) as { data?: { message?: string }; error?: { description?: string } };
    replies.push(body.data?.message ?? body.error?.description ?? sc.decode(m.data));
  }
  await nc.close();
  return replies;
}

/**
 * The super clusters: nats-server alone (the reference), then mixed: each kind fetching from the
 * other, each kind dialing. (A gateway dialed by the holder's side is covered by the two-server
 * cluster tests below, where A, the holder, dials B.)
 */
const TOPOLOGIES: Array<{ label: string; holder: Kind; fetcher: Kind; solicitor: 'holder' | 'fetcher' }> = [
  { label: 'nats-server only', holder: 'nats-server', fetcher: 'nats-server', solicitor: 'fetcher' },
  { label: 'Switchboard fetches from nats-server, Switchboard dials', holder: 'nats-server', fetcher: 'switchboard', solicitor: 'fetcher' },
  { label: 'nats-server fetches from Switchboard, nats-server dials', holder: 'switchboard', fetcher: 'nats-server', solicitor: 'fetcher' },
];

for (const t of TOPOLOGIES) {
  test(`across a gateway (${t.label}): lookup, traffic in the fetched account, pushed updates`, { skip, timeout: 300_000 }, async () => {
    const fx = await fixtures();
    const xKp = createAccount();
    const x = await makeAccount(fx.op.sk, {}, { kp: xKp, name: 'X' });
    const [h, f] = await startSuper('gwlk', fx, [
      { kind: t.holder, cluster: 'A', preload: [x], dials: t.solicitor === 'holder' ? [1] : [] },
      { kind: t.fetcher, cluster: 'B', preload: [], dials: t.solicitor === 'fetcher' ? [0] : [] },
    ]);
    assert.equal(stored(f, x), undefined, 'B starts without X');
    assert.equal(stored(h, x), x.jwt, 'A holds X');

    // A subscription in X on A before B has the account: its interest reaches B first.
    const onA = await natsConnect(h.srv.port, await makeUser(xKp, LIM));
    clients.push(onA);
    const early: string[] = [];
    onA.subscribe('early', { callback: (_e, m) => early.push(sc.decode(m.data)) });
    await onA.flush();

    // A user of X on B: accepted once B looked X up across the gateway; the JWT is on B's disk.
    const onB = await natsConnect(f.srv.port, await makeUser(xKp, LIM), { timeout: 20_000 });
    clients.push(onB);
    await onB.flush();
    assert.equal(stored(f, x), x.jwt, 'B stored the JWT it looked up');

    await waitFor(
      async () => {
        onB.publish('early', sc.encode('first'));
        await onB.flush();
        await onA.flush();
        return early.length > 0;
      },
      30_000,
      'the message for the subscription made before B had the account',
    );
    assert.equal(early[0], 'first');
    await exchange(onA, onB, `${t.holder}(A)<->${t.fetcher}(B)`);

    // Both gateways run X in interest-only mode (2.9 switches every account).
    await waitFor(async () => (await outboundMode(h, 'B', x.pub)) === 'Interest-Only' && (await outboundMode(f, 'A', x.pub)) === 'Interest-Only', 30_000, 'X interest-only on both outbound gateways');

    // An update of X pushed in B's cluster: both servers answer, A's disk has it.
    const x2 = await makeAccount(fx.op.sk, { tags: ['pushed-in-b'] } as never, { kp: xKp, name: 'X2' });
    assert.deepEqual(await pushUpdate(f, fx.sysKp, '$SYS.REQ.CLAIMS.UPDATE', x2.jwt), ['jwt updated', 'jwt updated'], 'both servers answer the update pushed in B');
    await waitFor(() => stored(h, x) === x2.jwt && stored(f, x) === x2.jwt, 30_000, "the update pushed in B on both servers' disks");

    // A new account pushed in A's cluster on the per-account subject: B stores it, its user connects to B without a lookup.
    const yKp = createAccount();
    const y = await makeAccount(fx.op.sk, {}, { kp: yKp, name: 'Y' });
    assert.deepEqual(await pushUpdate(h, fx.sysKp, `$SYS.REQ.ACCOUNT.${y.pub}.CLAIMS.UPDATE`, y.jwt), ['jwt updated', 'jwt updated'], 'both servers answer the update pushed in A');
    await waitFor(() => stored(h, y) === y.jwt && stored(f, y) === y.jwt, 30_000, "Y on both servers' disks");
    assert.equal(await connectOutcome(f.srv.port, await makeUser(yKp, LIM), clients), 'ok', 'a user of Y connects to B');
  });
}

for (const [label, kinds] of [
  ['nats-server only', ['nats-server', 'nats-server']],
  ['mixed', ['nats-server', 'switchboard']],
] as const) {
  test(`across a gateway (${label}): an account nobody holds is refused on both sides, nothing stored`, { skip, timeout: 300_000 }, async () => {
    const fx = await fixtures();
    const [a, b] = await startSuper('gwghost', fx, [
      { kind: kinds[0], cluster: 'A', preload: [] },
      { kind: kinds[1], cluster: 'B', preload: [], dials: [0] },
    ]);
    const ghostKp = createAccount();
    const ghost = await makeAccount(fx.op.sk, {}, { kp: ghostKp, name: 'GHOST' });
    // A system user on each server sees the lookups that reach it (its own server's and the
    // other cluster's across the gateway) and any reply to them.
    const seen = new Map<GwNode, { lookups: string[]; replies: string[] }>();
    for (const n of [a, b]) {
      const w = await natsConnect(n.srv.port, await makeUser(fx.sysKp, LIM));
      clients.push(w);
      const rec = { lookups: [] as string[], replies: [] as string[] };
      w.subscribe(`$SYS.REQ.ACCOUNT.${ghost.pub}.CLAIMS.LOOKUP`, { callback: (_e, m) => rec.lookups.push(m.reply ?? '') });
      w.subscribe('$SYS._INBOX.>', { callback: (_e, m) => rec.replies.push(m.subject) });
      w.subscribe('_GR_.>', { callback: (_e, m) => rec.replies.push(m.subject) });
      await w.flush();
      seen.set(n, rec);
    }
    // The watchers' interest crosses the gateways before the lookups are made.
    for (const n of [a, b]) await waitFor(async () => (await pingIds(n.srv.port, fx.sysKp, 2)) === 2, 60_000, 'PING across after the watchers subscribed');

    const user = await makeUser(ghostKp, LIM);
    const outcomes: Record<string, string> = {};
    for (const n of [a, b]) outcomes[`${n.cluster}:${n.kind}`] = await connectOutcome(n.srv.port, user, clients);
    assert.deepEqual(outcomes, { [`A:${a.kind}`]: 'Authorization Violation', [`B:${b.kind}`]: 'Authorization Violation' });
    for (const n of [a, b]) assert.equal(stored(n, ghost), undefined, `${n.kind} (${n.cluster}) stored nothing`);
    // Each server saw both servers' lookups (two reply inboxes): they crossed the gateway.
    for (const n of [a, b]) {
      const rec = seen.get(n)!;
      await waitFor(() => new Set(rec.lookups.map((r) => r.split('.').slice(0, 3).join('.'))).size >= 2, 30_000, `lookups from both clusters seen on ${n.kind} (${n.cluster}): ${JSON.stringify(rec.lookups)}`);
    }
    for (const n of [a, b]) {
      const rec = seen.get(n)!;
      const inboxes = new Set(rec.lookups);
      assert.deepEqual(rec.replies.filter((s) => inboxes.has(s) || [...inboxes].some((i) => s.endsWith(`.${i}`))), [], `no reply to a lookup of an unknown account (seen on ${n.kind})`);
    }
  });
}

for (const [label, kinds] of [
  ['nats-server only', ['nats-server', 'nats-server']],
  ['mixed, nats-server dials', ['switchboard', 'nats-server']],
  ['mixed, Switchboard dials', ['nats-server', 'switchboard']],
] as const) {
  test(`across a gateway (${label}): pack sync brings each cluster what only the other holds`, { skip, timeout: 300_000 }, async () => {
    const fx = await fixtures();
    const p = await makeAccount(fx.op.sk, {}, { name: 'P' });
    const q = await makeAccount(fx.op.sk, {}, { name: 'Q' });
    // A server's own pack request is not served by its own responder (no echo on the system
    // client): with one server per cluster, the responder queue member across the gateway answers.
    const [a, b] = await startSuper(
      'gwpack',
      fx,
      [
        { kind: kinds[0], cluster: 'A', preload: [p] },
        { kind: kinds[1], cluster: 'B', preload: [q], dials: [0] },
      ],
      'interval: "1s", timeout: "2s"',
    );
    await waitFor(() => [a, b].every((n) => stored(n, p) === p.jwt && stored(n, q) === q.jwt), 60_000, 'P and Q on both disks');
  });
}

/**
 * Cluster B of two servers (one of each kind, routed): A dials only `near`, so A's one outbound
 * to cluster B lands there, and the lookup reply for `far` comes across the gateway to `near`
 * and on over the route. A user of X connects to `far` first, then to `near`; each is accepted,
 * each server has X on disk, and messages and requests cross between A and each of them.
 */
for (const t of [
  { holder: 'switchboard', near: 'nats-server', far: 'switchboard' },
  { holder: 'nats-server', near: 'switchboard', far: 'nats-server' },
] as const) {
  test(`across a gateway into a two-server cluster (A ${t.holder}; B: ${t.near} reached by A, ${t.far} behind its route): both fetch and exchange messages`, { skip, timeout: 300_000 }, async () => {
    const fx = await fixtures();
    const xKp = createAccount();
    const x = await makeAccount(fx.op.sk, {}, { kp: xKp, name: 'X' });
    const [h, near, far] = await startSuper('gw3', fx, [
      { kind: t.holder, cluster: 'A', preload: [x], dials: [1] },
      { kind: t.near, cluster: 'B', preload: [] },
      { kind: t.far, cluster: 'B', preload: [], routeTo: 1 },
    ]);
    for (const n of [near, far]) assert.equal(stored(n, x), undefined, `${n.kind} (B) starts without X`);
    const onA = await natsConnect(h.srv.port, await makeUser(xKp, LIM));
    clients.push(onA);
    // (nats-server `near` may load X before its own user comes: it looks up the account of a
    // gateway or routed message it relays for `far`'s subscriptions.)
    for (const [n, label] of [
      [far, 'far'],
      [near, 'near'],
    ] as const) {
      const nc = await natsConnect(n.srv.port, await makeUser(xKp, LIM), { timeout: 20_000 });
      clients.push(nc);
      await nc.flush();
      assert.equal(stored(n, x), x.jwt, `${label} (${n.kind}) stored the JWT it looked up`);
      await exchange(onA, nc, `${t.holder}(A)<->${n.kind}(B ${label})`);
    }
  });
}
