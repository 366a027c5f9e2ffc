/**
 * Differential test of the full (directory) resolver's `$SYS` request handling against
 * nats-server 2.9.10: a system-account client sends the same requests (claims updates in all
 * three subject forms, bad and invalid JWTs, lookup, list, delete, pack) to nats-server and to
 * the library's handlers over a `DirJwtStore` preloaded alike; the replies (minus nats-server's
 * `server` object) must be equal, and so must the store hash nats-server uses to sync (a PACK
 * request with our hash gets the empty "in sync" answer). A pushed update that revokes a
 * connected user cuts that user on nats-server; `recheckConnectedUser` reaches the same verdict.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createInbox, jwtAuthenticator } from 'nats';
import { encodeGeneric } from '@nats-io/jwt';
import { createAccount } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';
import { startProcess, waitFor } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { makeAccount, makeOperator, makeUser, nowSec } from '../../packages/broker/src/jwt/fixtures.test.js';
import { skipWithoutNatsServer, stopAfterFile } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();

const enc = new TextEncoder();
const dec = new TextDecoder();

test('full resolver $SYS requests: same replies, same store hash, a pushed revocation cuts the user', { skip }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const opClaims = J.decodeOperatorJwt(op.jwt);
  const trust = J.buildTrust({ operators: [opClaims] });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.kp, {}, { kp: aKp, name: 'A' });
  const b = await makeAccount(op.sk, {}, { name: 'B' });

  const dir = tmpDir('jwt-full');
  const theirDir = join(dir, 'theirs');
  mkdirSync(theirDir);
  writeFileSync(join(dir, 'op.jwt'), op.jwt);
  writeFileSync(
    join(dir, 'server.conf'),
    `operator: "${join(dir, 'op.jwt')}"\nresolver: { type: full, dir: "${theirDir}", allow_delete: true }\nresolver_preload: {\n  ${sys.pub}: "${sys.jwt}"\n  ${a.pub}: "${a.jwt}"\n}\n`,
  );
  const srv = await startProcess('nats-server', ['-c', join(dir, 'server.conf')]);
  procs.push(srv);

  // Ours: the same preloads stored the way createResolver stores them.
  const resolver = (await J.createResolver({ type: 'full', dir: join(dir, 'ours'), allowDelete: true }, { preload: { [sys.pub]: sys.jwt, [a.pub]: a.jwt } })) as J.DirResolver;
  after(() => resolver.close());
  const store = resolver.store;
  const ctx = { store, operator: J.operatorKeysOf(opClaims), systemAccount: sys.pub };

  const sysUser = await makeUser(sysKp);
  const nc = await connect({ servers: srv.url, reconnect: false, authenticator: jwtAuthenticator(sysUser.jwt, sysUser.kp.getSeed()) });
  clients.push(nc);
  const ask = async (subject: string, payload: string): Promise<unknown> => {
    const m = await nc.request(subject, enc.encode(payload), { timeout: 5000 });
    const reply = JSON.parse(dec.decode(m.data)) as Record<string, unknown>;
    assert.ok(reply.server, 'nats-server puts its server info in the reply');
    delete reply.server;
    return reply;
  };

  // A connected user of A, revoked by the update pushed below.
  const victim = await makeUser(aKp, {}, { name: 'victim' });
  const vc = await connect({ servers: srv.url, reconnect: false, authenticator: jwtAuthenticator(victim.jwt, victim.kp.getSeed()) });
  clients.push(vc);
  let victimClosed = false;
  void vc.closed().then(() => (victimClosed = true));
  const victimIat = (J.decodeUserJwt(victim.jwt) as { iat: number }).iat;
  const aRevoking = await makeAccount(op.kp, { revocations: { [victim.pub]: Math.max(victimIat, nowSec()) } }, { kp: aKp, name: 'A' });
  const invalid = await makeAccount(op.kp, { limits: {}, exports: [{ name: 'x', subject: 'x', type: 'stream' }] });
  const del = await encodeGeneric('del', op.kp, 'generic', { accounts: [b.pub] });
  const delSys = await encodeGeneric('del', op.kp, 'generic', { accounts: [sys.pub] });

  const steps: { name: string; subject: string; payload: string; ours: () => unknown }[] = [
    { name: 'new account by claims update', subject: '$SYS.REQ.CLAIMS.UPDATE', payload: b.jwt, ours: () => J.dirClaimsUpdate(ctx, b.jwt).reply },
    { name: 'the same again', subject: '$SYS.REQ.CLAIMS.UPDATE', payload: b.jwt, ours: () => J.dirClaimsUpdate(ctx, b.jwt).reply },
    {
      name: 'revoking update (request form)',
      subject: `$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.UPDATE`,
      payload: aRevoking.jwt,
      ours: () => J.dirUpdateBySubject(ctx, `$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, aRevoking.jwt).reply,
    },
    {
      name: 'subject mismatch (old form)',
      subject: `$SYS.ACCOUNT.${a.pub}.CLAIMS.UPDATE`,
      payload: b.jwt,
      ours: () => J.dirUpdateBySubject(ctx, `$SYS.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, b.jwt).reply,
    },
    { name: 'garbage', subject: '$SYS.REQ.CLAIMS.UPDATE', payload: 'garbage', ours: () => J.dirClaimsUpdate(ctx, 'garbage').reply },
    { name: 'invalid claims', subject: '$SYS.REQ.CLAIMS.UPDATE', payload: invalid.jwt, ours: () => J.dirClaimsUpdate(ctx, invalid.jwt).reply },
    { name: 'list', subject: '$SYS.REQ.CLAIMS.LIST', payload: '', ours: () => J.dirList(store, true).reply },
    { name: 'delete B', subject: '$SYS.REQ.CLAIMS.DELETE', payload: del, ours: () => J.dirDelete(ctx, del).reply },
    { name: 'delete the system account', subject: '$SYS.REQ.CLAIMS.DELETE', payload: delSys, ours: () => J.dirDelete(ctx, delSys).reply },
    { name: 'list after delete', subject: '$SYS.REQ.CLAIMS.LIST', payload: '', ours: () => J.dirList(store, true).reply },
  ];
  for (const s of steps) {
    const theirs = await ask(s.subject, s.payload);
    const ours = s.ours() as { data?: unknown };
    if (Array.isArray(ours?.data)) {
      (ours.data as string[]).sort();
      ((theirs as { data: string[] }).data ?? []).sort();
    }
    assert.deepEqual(ours, theirs, s.name);
  }

  // Lookup returns the stored JWT.
  const lookup = await nc.request(`$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.LOOKUP`, new Uint8Array(), { timeout: 5000 });
  assert.equal(dec.decode(lookup.data), J.dirLookup(store, `$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.LOOKUP`, true).reply);
  assert.equal(dec.decode(lookup.data), aRevoking.jwt);

  // PACK: with our store hash nats-server answers "in sync" (one empty message); with zeros it sends everything.
  const pack = async (hash: Uint8Array): Promise<string[]> => {
    const inbox = createInbox();
    const got: string[] = [];
    let done = false;
    const sub = nc.subscribe(inbox, {
      callback: (_e, m) => {
        const t = dec.decode(m.data);
        if (t === '') done = true;
        else got.push(t);
      },
    });
    nc.publish('$SYS.REQ.CLAIMS.PACK', hash, { reply: inbox });
    await waitFor(() => done, 10_000, 'the end of the pack reply');
    sub.unsubscribe();
    return got.sort();
  };
  assert.deepEqual(await pack(store.hash()), [], 'nats-server and our store have the same hash');
  assert.deepEqual(await pack(new Uint8Array(32)), J.dirPack(store, new Uint8Array(32), true).reply!.filter((m) => m !== '').sort());

  // The pushed revocation cut the victim on nats-server; the library says the same.
  await waitFor(() => victimClosed, 10_000, 'the revoked user to be disconnected');
  const def = J.accountFromClaims(J.decodeAccountJwt(aRevoking.jwt), trust);
  const user: J.ConnectedUser = { publicKey: victim.pub, name: 'victim', tags: [], issuer: a.pub, account: a.pub, bearer: false, issuedAt: victimIat };
  assert.equal(J.recheckConnectedUser(user, victim.jwt, def), 'revoked');
});
