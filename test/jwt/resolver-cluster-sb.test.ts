/**
 * The NATS-based resolver between two embedded Switchboard nodes (routes on 127.0.0.1), the
 * counterpart of resolver-cluster.test.ts without nats-server: a full resolver fetches an
 * account it lacks from its peer when a user of it connects (the JWT lands on its disk), a
 * cache resolver does too, a full resolver's pack sync brings over what only the peer holds,
 * and a lookup nobody answers fails after the resolver `timeout` with nats-server's
 * `fetching jwt timed out` (the user gets `Authorization Violation`).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { createAccount } from '@nats-io/nkeys';
import type { OptionsInput } from '@switchboard/shared';
import { waitFor, waitForOutput } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { startSb, waitMesh, type ClusterNode } from '../cluster/nodes.js';
import { makeAccount, makeOperator, makeUser, type Acc, type Usr } from '../../packages/broker/src/jwt/fixtures.test.js';

const nodes: ClusterNode[] = [];
const clients: NatsConnection[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
});
const LIM = { subs: -1, payload: -1, data: -1 };

async function setup(): Promise<{ opFile: string; sys: Acc; op: Awaited<ReturnType<typeof makeOperator>> }> {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const opFile = join(tmpDir('sb-res-op'), 'op.jwt');
  writeFileSync(opFile, op.jwt);
  return { opFile, sys, op };
}

function operatorOptions(opFile: string, resolver: NonNullable<OptionsInput['resolver']>, preload: Acc[]): OptionsInput {
  return { operator: opFile, resolver, resolverPreload: Object.fromEntries(preload.map((a) => [a.pub, a.jwt])) };
}

/** Two nodes, the second soliciting the first; returns when the routes are up. */
async function pair(name: string, a: OptionsInput, b: OptionsInput): Promise<[ClusterNode, ClusterNode]> {
  const n1 = await startSb({ name: `${name}-1`, clusterName: name, options: a });
  nodes.push(n1);
  const n2 = await startSb({ name: `${name}-2`, clusterName: name, routes: [n1.routeUrl], options: b });
  nodes.push(n2);
  await waitMesh([n1, n2], 30_000);
  return [n1, n2];
}

async function userConnect(node: ClusterNode, u: Usr): Promise<NatsConnection> {
  const nc = await connect({ servers: node.url, authenticator: jwtAuthenticator(u.jwt, u.kp.getSeed()), reconnect: false, timeout: 20_000 });
  clients.push(nc);
  await nc.flush();
  return nc;
}

const stored = (dir: string, acc: Acc): string | undefined => (existsSync(join(dir, `${acc.pub}.jwt`)) ? readFileSync(join(dir, `${acc.pub}.jwt`), 'utf8') : undefined);

test('full and cache resolvers look an account up from the peer; a full resolver pack-syncs', { timeout: 120_000 }, async () => {
  const { opFile, sys, op } = await setup();
  const aKp = createAccount();
  const a = await makeAccount(op.sk, {}, { kp: aKp, name: 'A' });
  const b = await makeAccount(op.sk, {}, { name: 'B' });
  const d1 = tmpDir('sb-res-full1');
  const d2 = tmpDir('sb-res-full2');
  const d3 = tmpDir('sb-res-cache');
  // Node 1 holds A and B; node 2 (full, long interval) holds neither.
  const [, n2] = await pair(
    'sbres',
    operatorOptions(opFile, { type: 'full', dir: d1, interval: 600_000, timeout: 1500 }, [sys, a, b]),
    operatorOptions(opFile, { type: 'full', dir: d2, interval: 600_000, timeout: 1500 }, [sys]),
  );
  assert.equal(stored(d2, a), undefined);
  await userConnect(n2, await makeUser(aKp, LIM));
  assert.equal(stored(d2, a), a.jwt, 'the full resolver stored what it looked up');
  assert.equal(stored(d2, b), undefined, 'nothing else came (no pack sync yet)');

  // A cache resolver node joining node 1 looks A up too.
  const n3 = await startSb({ name: 'sbres-3', clusterName: 'sbres', routes: [nodes[0]!.routeUrl], options: operatorOptions(opFile, { type: 'cache', dir: d3, timeout: 1500 }, [sys]) });
  nodes.push(n3);
  await waitMesh([nodes[0]!, n2, n3], 30_000);
  await userConnect(n3, await makeUser(aKp, LIM));
  assert.equal(stored(d3, a), a.jwt, 'the cache resolver stored what it looked up');
  await n3.stop();

  // A third full node with a short interval: pack sync brings A and B without any client.
  const d4 = tmpDir('sb-res-full4');
  const n4 = await startSb({ name: 'sbres-4', clusterName: 'sbres', routes: [nodes[0]!.routeUrl], options: operatorOptions(opFile, { type: 'full', dir: d4, interval: 300, timeout: 1500 }, [sys]) });
  nodes.push(n4);
  await waitFor(() => stored(d4, a) === a.jwt && stored(d4, b) === b.jwt, 60_000, 'A and B synced to the new node');
  await waitForOutput(n4, /Merging succeeded and changed/);
});

test('a lookup nobody answers: fetching jwt timed out, the user gets Authorization Violation', { timeout: 120_000 }, async () => {
  const { opFile, sys, op } = await setup();
  const ghostKp = createAccount();
  await makeAccount(op.sk, {}, { kp: ghostKp, name: 'GHOST' });
  const [n1] = await pair(
    'sbghost',
    operatorOptions(opFile, { type: 'full', dir: tmpDir('sb-ghost1'), timeout: 800 }, [sys]),
    operatorOptions(opFile, { type: 'full', dir: tmpDir('sb-ghost2'), timeout: 800 }, [sys]),
  );
  const u = await makeUser(ghostKp, LIM);
  await assert.rejects(userConnect(n1, u), (e: Error) => /Authorization Violation/.test(e.message));
  await waitFor(() => n1.output().includes('Account JWT lookup error: fetching jwt timed out'), 10_000, 'the lookup error in the log');
});
