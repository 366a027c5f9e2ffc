/**
 * The full NATS-based resolver between servers, in mixed clusters of one Switchboard node and
 * one nats-server 2.9.10 node (processes, routes on 127.0.0.1, both soliciting directions), with
 * the same operator and JWTs on both:
 *
 * - remote lookup: an account JWT held only by one node is fetched by the other on
 *   `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP` when a client of that account connects there; it ends
 *   on that node's disk and clients of the account on both nodes exchange messages — Switchboard
 *   fetching from nats-server and nats-server fetching from Switchboard;
 * - an account nobody holds: both nodes refuse its user with `Authorization Violation`;
 * - PACK sync: each node starts with JWTs the other lacks (and an older version of one the
 *   other has newer); with a short `interval` both end with every JWT on disk, the newer
 *   version kept on both;
 * - a pushed `$SYS.REQ.CLAIMS.UPDATE` / `$SYS.ACCOUNT.<acc>.CLAIMS.UPDATE` given to one node
 *   reaches the other's store through the routes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringCodec, type NatsConnection } from 'nats';
import { createAccount, type KeyPair } from '@nats-io/nkeys';
import { startProcess, waitFor, type ProcServer } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { freePortPair } from '../cluster/ports.js';
import { makeAccount, makeOperator, makeUser, nowSec, type Acc, type Op } from '../../packages/broker/src/jwt/fixtures.test.js';
import { connectOutcome, natsConnect, type Kind, skipWithoutNatsServer, stopAfterFile, USER_LIMITS as LIM } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();
const sc = StringCodec();

interface Node {
  kind: Kind;
  srv: ProcServer;
  /** The resolver directory. */
  jwtDir: string;
}

interface NodeSpec {
  kind: Kind;
  /** JWTs in `resolver_preload` (besides the system account's). */
  preload: Acc[];
  /** This node solicits the other (it is started second); else it only listens. */
  solicits?: boolean;
}

/**
 * Starts two nodes with a full resolver each (the system account preloaded on both), in order;
 * returns when a system client on the first gets `$SYS.REQ.SERVER.PING` answers from both (the
 * route and the system-account interest across it are up).
 */
async function startPair(name: string, op: Op, sys: Acc, sysKp: KeyPair, specs: [NodeSpec, NodeSpec], resolverExtra: string): Promise<[Node, Node]> {
  const ports = await freePortPair();
  const nodes: Node[] = [];
  for (const [i, spec] of specs.entries()) {
    const dir = tmpDir(`${name}-${spec.kind}`);
    const opFile = join(dir, 'op.jwt');
    writeFileSync(opFile, op.jwt);
    const jwtDir = join(dir, 'jwt');
    mkdirSync(jwtDir, { recursive: true });
    const preload = [sys, ...spec.preload].map((a) => `  ${a.pub}: "${a.jwt}"`).join('\n');
    const routes = spec.solicits ? `routes: ["nats-route://127.0.0.1:${ports[1 - i]}"]` : '';
    const conf = [
      `server_name: ${name}-${i}-${spec.kind}`,
      `operator: "${opFile}"`,
      `resolver: { type: full, dir: "${jwtDir}", ${resolverExtra} }`,
      `resolver_preload: {\n${preload}\n}`,
      `cluster { name: ${name}, listen: "127.0.0.1:${ports[i]}", ${routes} }`,
    ].join('\n');
    writeFileSync(join(dir, 'server.conf'), conf + '\n');
    const srv = await startProcess(spec.kind, ['-c', join(dir, 'server.conf')]);
    procs.push(srv);
    nodes.push({ kind: spec.kind, srv, jwtDir });
  }
  const sysNc = await natsConnect(nodes[0]!.srv.port, await makeUser(sysKp, LIM));
  clients.push(sysNc);
  await waitFor(
    async () => {
      const ids = new Set<string>();
      const it = await sysNc.requestMany('$SYS.REQ.SERVER.PING', undefined, { maxWait: 2000, maxMessages: 2 });
      for await (const m of it) ids.add((JSON.parse(sc.decode(m.data)) as { server: { id: string } }).server.id);
      return ids.size === 2;
    },
    60_000,
    'both nodes answering $SYS.REQ.SERVER.PING',
  );
  await sysNc.close();
  return nodes as [Node, Node];
}

function jwtFile(node: Node, acc: { pub: string }): string {
  return join(node.jwtDir, `${acc.pub}.jwt`);
}

function stored(node: Node, acc: { pub: string }): string | undefined {
  const f = jwtFile(node, acc);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

/** Messages both ways between a client of the account on each node (interest crosses the route). */
async function exchange(a: NatsConnection, b: NatsConnection, label: string): Promise<void> {
  for (const [from, to, dir] of [
    [a, b, 'a->b'],
    [b, a, 'b->a'],
  ] as const) {
    const subject = `x.${dir.replace('->', '')}`;
    let got = '';
    const sub = to.subscribe(subject, { callback: (_e, m) => (got = sc.decode(m.data)) });
    await to.flush();
    await waitFor(
      async () => {
        from.publish(subject, sc.encode(`hello ${dir}`));
        await from.flush();
        await new Promise((r) => setTimeout(r, 50));
        return got !== '';
      },
      30_000,
      `${label}: a message ${dir}`,
    );
    assert.equal(got, `hello ${dir}`, `${label}: payload ${dir}`);
    sub.unsubscribe();
  }
  // Request/reply across the route too.
  b.subscribe('svc', { callback: (_e, m) => m.respond(sc.encode(`re:${sc.decode(m.data)}`)) });
  await b.flush();
  let answer = '';
  await waitFor(
    async () => {
      try {
        answer = sc.decode((await a.request('svc', sc.encode('q'), { timeout: 1000 })).data);
      } catch {
        return false;
      }
      return true;
    },
    30_000,
    `${label}: a reply across the route`,
  );
  assert.equal(answer, 're:q');
}

async function fixtures(): Promise<{ op: Op; sys: Acc; sysKp: KeyPair }> {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  return { op, sys, sysKp };
}

// A long interval: these tests see the lookup alone, no pack sync.
const LOOKUP_RESOLVER = 'interval: "10m", timeout: "1500ms"';

for (const [holder, fetcher] of [
  ['nats-server', 'switchboard'],
  ['switchboard', 'nats-server'],
] as const) {
  test(`lookup: an account held only by ${holder} is fetched by ${fetcher} when its user connects there`, { skip, timeout: 240_000 }, async () => {
    const { op, sys, sysKp } = await fixtures();
    const aKp = createAccount();
    const a = await makeAccount(op.sk, {}, { kp: aKp, name: 'A' });
    // The fetcher is started second and solicits the holder: Switchboard dials nats-server in one
    // run, nats-server dials Switchboard in the other.
    const [h, f] = await startPair(
      `lk-${fetcher === 'switchboard' ? 'sb' : 'ns'}`,
      op,
      sys,
      sysKp,
      [
        { kind: holder, preload: [a] },
        { kind: fetcher, preload: [], solicits: true },
      ],
      LOOKUP_RESOLVER,
    );
    assert.equal(stored(f, a), undefined, `${fetcher} starts without A`);
    assert.equal(stored(h, a), a.jwt, `${holder} holds A`);

    // A client of A on the holder subscribes first: its interest reaches the fetcher before the
    // fetcher has account A (nats-server keeps it, registering the account empty).
    const onHolder = await natsConnect(h.srv.port, await makeUser(aKp, LIM));
    clients.push(onHolder);
    let early = '';
    onHolder.subscribe('early', { callback: (_e, m) => (early = sc.decode(m.data)) });
    await onHolder.flush();

    // A user of A on the fetcher: accepted after the lookup, the JWT is now on its disk.
    const onFetcher = await natsConnect(f.srv.port, await makeUser(aKp, LIM), { timeout: 20_000 });
    clients.push(onFetcher);
    await onFetcher.flush();
    assert.equal(stored(f, a), a.jwt, `${fetcher} stored the JWT it looked up`);
    // The lookup reply came over the same route after the RS+: one publish must arrive.
    onFetcher.publish('early', sc.encode('first'));
    await onFetcher.flush();
    await waitFor(() => early === 'first', 15_000, 'the message for the interest registered before the account was loaded');
    await exchange(onFetcher, onHolder, `${fetcher}<->${holder}`);
  });
}

test('lookup of an account nobody holds: both nodes refuse its user with Authorization Violation', { skip, timeout: 240_000 }, async () => {
  const { op, sys, sysKp } = await fixtures();
  const nodes = await startPair('lk-none', op, sys, sysKp, [{ kind: 'nats-server', preload: [] }, { kind: 'switchboard', preload: [], solicits: true }], LOOKUP_RESOLVER);
  const ghostKp = createAccount();
  const ghost = await makeAccount(op.sk, {}, { kp: ghostKp, name: 'GHOST' });
  const user = await makeUser(ghostKp, LIM);
  // A system client on the nats-server node sees the lookup requests (its own and those routed
  // from Switchboard, which already knows the interest in the subject from nats-server's
  // handler) and any reply that would come back.
  const ns = nodes.find((n) => n.kind === 'nats-server')!;
  const watcher = await natsConnect(ns.srv.port, await makeUser(sysKp, LIM));
  clients.push(watcher);
  const lookups: string[] = [];
  const inboxMsgs: string[] = [];
  watcher.subscribe(`$SYS.REQ.ACCOUNT.${ghost.pub}.CLAIMS.LOOKUP`, { callback: (_e, m) => lookups.push(m.reply ?? '') });
  watcher.subscribe('$SYS._INBOX.>', { callback: (_e, m) => inboxMsgs.push(m.subject) });
  await watcher.flush();
  const outcomes: Record<string, string> = {};
  for (const n of nodes) outcomes[n.kind] = await connectOutcome(n.srv.port, user, clients);
  assert.deepEqual(outcomes, { switchboard: 'Authorization Violation', 'nats-server': 'Authorization Violation' });
  for (const n of nodes) assert.equal(stored(n, ghost), undefined, `${n.kind} stored nothing`);
  // Each node asked (two reply inboxes), and nobody answered on them.
  const prefixes = new Set(lookups.map((r) => r.split('.').slice(0, 3).join('.')));
  assert.ok(prefixes.size >= 2, `lookups from both nodes: ${JSON.stringify(lookups)}`);
  await watcher.flush();
  assert.deepEqual(inboxMsgs.filter((subj) => lookups.includes(subj)), [], 'no reply to a lookup of an unknown account');
});

test('pack sync: each node ends with the JWTs only the other held, newer versions win; pushed updates cross the route', { skip, timeout: 240_000 }, async () => {
  const { op, sys, sysKp } = await fixtures();
  const onlyNs = [await makeAccount(op.sk, {}, { name: 'NS1' }), await makeAccount(op.kp, {}, { name: 'NS2' })];
  const onlySb = [await makeAccount(op.sk, {}, { name: 'SB1' }), await makeAccount(op.kp, {}, { name: 'SB2' })];
  // Both hold S: Switchboard an older version, nats-server a newer one (a later iat).
  const sKp = createAccount();
  const sOld = await makeAccount(op.sk, {}, { kp: sKp, name: 'S-old' });
  const t0 = nowSec();
  await waitFor(() => nowSec() > t0, 5000, 'the clock to pass a second');
  const sNew = await makeAccount(op.sk, {}, { kp: sKp, name: 'S-new' });
  // Switchboard listens, nats-server solicits it.
  const [sb, ns] = await startPair(
    'pack',
    op,
    sys,
    sysKp,
    [
      { kind: 'switchboard', preload: [...onlySb, sOld] },
      { kind: 'nats-server', preload: [...onlyNs, sNew], solicits: true },
    ],
    'interval: "1s", timeout: "1500ms"',
  );
  const all = [...onlyNs, ...onlySb];
  await waitFor(
    () => all.every((acc) => stored(sb, acc) === acc.jwt && stored(ns, acc) === acc.jwt) && stored(sb, sNew) === sNew.jwt,
    120_000,
    'every JWT on both disks',
  );
  assert.equal(stored(ns, sNew), sNew.jwt, 'nats-server kept the newer S');
  assert.equal(stored(sb, sNew), sNew.jwt, 'Switchboard replaced its older S');

  // An update pushed to one node reaches the other's store (both answer the request).
  for (const [to, other, subject] of [
    [sb, ns, '$SYS.REQ.CLAIMS.UPDATE'],
    [ns, sb, '$SYS.ACCOUNT.%s.CLAIMS.UPDATE'],
  ] as const) {
    const target = onlyNs[0]!;
    const updated = await makeAccount(op.sk, { tags: [`via-${to.kind}`] } as never, { kp: (target as Acc).kp, name: `NS1-${to.kind}` });
    const sysNc = await natsConnect(to.srv.port, await makeUser(sysKp, LIM));
    clients.push(sysNc);
    const replies: string[] = [];
    const it = await sysNc.requestMany(subject.replace('%s', target.pub), sc.encode(updated.jwt), { maxWait: 5000, maxMessages: 2 });
    for await (const m of it) replies.push((JSON.parse(sc.decode(m.data)) as { data?: { message: string } }).data?.message ?? sc.decode(m.data));
    assert.deepEqual(replies, ['jwt updated', 'jwt updated'], `update via ${to.kind}: both nodes answer`);
    await waitFor(() => stored(other, target) === updated.jwt && stored(to, target) === updated.jwt, 30_000, `the update via ${to.kind} on ${other.kind}'s disk`);
    await sysNc.close();
  }
});
