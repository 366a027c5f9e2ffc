/**
 * Differential test of JWT import authorization against nats-server 2.9.10: accounts with
 * stream and service exports (public, token_req with activation tokens — valid, missing,
 * expired, revoked — and account_token_position) and importers using both import styles
 * (`to` prefix, `local_subject`). Real `nats` clients observe which imports nats-server lets
 * messages through; `checkImportAuthorized` must allow exactly those.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { createAccount } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';
import { startProcess, waitFor } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { makeAccount, makeActivation, makeOperator, makeUser, nowSec } from '../../packages/broker/src/jwt/fixtures.test.js';
import { skipWithoutNatsServer, stopAfterFile } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();

test('stream and service imports between JWT accounts: authorized exactly as nats-server authorizes them', { skip }, async () => {
  const op = await makeOperator();
  const trust = J.buildTrust({ operators: [J.decodeOperatorJwt(op.jwt)] });
  const now = nowSec();
  const eKp = createAccount();
  const i1Kp = createAccount();
  const i2Kp = createAccount();
  const E = eKp.getPublicKey();
  const I1 = i1Kp.getPublicKey();
  const I2 = i2Kp.getPublicKey();
  const exporter = await makeAccount(
    op.kp,
    {
      exports: [
        { name: 'pub', subject: 'pub.>', type: 'stream' },
        { name: 'tok', subject: 'tok.>', type: 'stream', token_req: true, revocations: { [I2]: now + 60 } },
        { name: 'svc', subject: 'svc.>', type: 'service' },
        { name: 'acct', subject: 'acct.*', type: 'service', account_token_position: 2 },
        { name: 'marker', subject: 'marker', type: 'stream' },
      ],
    },
    { kp: eKp, name: 'E' },
  );
  const good = await makeActivation(eKp, I1, 'stream', 'tok.>');
  const expired = await makeActivation(eKp, I1, 'stream', 'tok.>', { exp: now - 5 });
  const forI2 = await makeActivation(eKp, I2, 'stream', 'tok.>');
  type Imp = { name: string; subject: string; account: string; type: 'stream' | 'service'; token?: string; to?: string; local_subject?: string };
  const i1Imports: Imp[] = [
    { name: 'public stream', subject: 'pub.a', account: E, type: 'stream' },
    { name: 'token stream', subject: 'tok.a', account: E, type: 'stream', token: good },
    { name: 'token stream without token', subject: 'tok.b', account: E, type: 'stream' },
    { name: 'token stream with expired token', subject: 'tok.c', account: E, type: 'stream', token: expired },
    { name: 'not exported', subject: 'secret.x', account: E, type: 'stream' },
    { name: 'prefix (deprecated to)', subject: 'pub.pre', account: E, type: 'stream', to: 'pfx' },
    { name: 'local_subject mapping', subject: 'pub.m.*', account: E, type: 'stream', local_subject: 'mine.$1' },
    { name: 'marker', subject: 'marker', account: E, type: 'stream' },
    { name: 'public service, local_subject', subject: 'svc.q', account: E, type: 'service', local_subject: 'ask.q' },
    { name: 'account token position: own key', subject: `acct.${I1}`, account: E, type: 'service' },
    { name: 'account token position: other key', subject: `acct.${E}`, account: E, type: 'service' },
  ];
  const i1 = await makeAccount(op.kp, { imports: i1Imports as never }, { kp: i1Kp, name: 'I1' });
  const i2Imports: Imp[] = [
    { name: 'revoked activation', subject: 'tok.a', account: E, type: 'stream', token: forI2 },
    { name: 'marker', subject: 'marker', account: E, type: 'stream' },
  ];
  const i2 = await makeAccount(op.kp, { imports: i2Imports as never }, { kp: i2Kp, name: 'I2' });

  const dir = tmpDir('jwt-imports');
  writeFileSync(join(dir, 'op.jwt'), op.jwt);
  const preload = [exporter, i1, i2].map((a) => `  ${a.pub}: "${a.jwt}"`).join('\n');
  writeFileSync(join(dir, 'server.conf'), `operator: "${join(dir, 'op.jwt')}"\nresolver: MEMORY\nresolver_preload: {\n${preload}\n}\n`);
  const srv = await startProcess('nats-server', ['-c', join(dir, 'server.conf')]);
  procs.push(srv);
  const connectAs = async (accKp: typeof eKp) => {
    const u = await makeUser(accKp);
    const nc = await connect({ servers: srv.url, reconnect: false, authenticator: jwtAuthenticator(u.jwt, u.kp.getSeed()) });
    clients.push(nc);
    return nc;
  };
  const ne = await connectAs(eKp);
  const n1 = await connectAs(i1Kp);
  const n2 = await connectAs(i2Kp);

  // nats-server's view: which imported streams deliver (the marker comes last on the same path).
  const observeStreams = async (nc: NatsConnection, imports: Imp[]): Promise<Map<string, boolean>> => {
    const got = new Map<string, boolean>(imports.filter((i) => i.type === 'stream').map((i) => [i.name, false]));
    const local = (i: Imp): string => (i.local_subject ? i.local_subject.replace('$1', '*') : i.to ? `${i.to}.${i.subject}` : i.subject);
    let marker = false;
    for (const i of imports.filter((x) => x.type === 'stream')) {
      nc.subscribe(local(i), {
        callback: () => {
          if (i.name === 'marker') marker = true;
          else got.set(i.name, true);
        },
      });
    }
    await nc.flush();
    for (const i of imports.filter((x) => x.type === 'stream' && x.name !== 'marker')) ne.publish(i.subject.replace('*', 'z'));
    ne.publish('marker');
    await ne.flush();
    await waitFor(() => marker, 10_000, 'the marker message');
    got.delete('marker');
    return got;
  };
  const theirs = await observeStreams(n1, i1Imports);
  const theirs2 = await observeStreams(n2, i2Imports);
  // Services: the exporter answers on everything it exports.
  ne.subscribe('svc.>', { callback: (_e, m) => m.respond(new TextEncoder().encode('svc')) });
  ne.subscribe('acct.*', { callback: (_e, m) => m.respond(new TextEncoder().encode('acct')) });
  await ne.flush();
  for (const i of i1Imports.filter((x) => x.type === 'service')) {
    const local = i.local_subject ?? i.subject;
    const answered = await n1.request(local, new Uint8Array(), { timeout: 3000 }).then(
      () => true,
      () => false,
    );
    theirs.set(i.name, answered);
  }

  const eDef = J.accountFromClaims(J.decodeAccountJwt(exporter.jwt), trust);
  const compare = (accJwt: string, importerKey: string, observed: Map<string, boolean>) => {
    const def = J.accountFromClaims(J.decodeAccountJwt(accJwt), trust);
    for (const imp of def.imports) {
      if (!observed.has(imp.name)) continue;
      const ours = J.checkImportAuthorized(eDef, importerKey, imp);
      assert.equal(ours.ok, observed.get(imp.name), `${imp.name}: nats-server ${observed.get(imp.name) ? 'delivers' : 'does not deliver'}; ours ${JSON.stringify(ours)}`);
    }
  };
  compare(i1.jwt, I1, theirs);
  compare(i2.jwt, I2, theirs2);
  // The cases cover both outcomes.
  assert.deepEqual(
    [...theirs.entries()].filter(([, v]) => v).map(([k]) => k).sort(),
    ['account token position: own key', 'local_subject mapping', 'prefix (deprecated to)', 'public service, local_subject', 'public stream', 'token stream'].sort(),
  );
  assert.deepEqual([...theirs2.values()], [false]);
});
