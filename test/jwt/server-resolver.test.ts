/**
 * Operator mode with the full (directory) resolver and with MEMORY, differential against
 * nats-server 2.9.10: the same conf and JWTs on both, a real `nats` client in the system account
 * pushing updates. Asserted on both servers: `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP` returns the
 * stored JWT; an update signed by a key the operator does not trust is not applied; a pushed
 * account JWT takes effect live — a new export becomes importable, a lowered connection limit
 * cuts the older client (nats-server keeps the newest), a revocation disconnects the revoked user with
 * `User Authentication Revoked` — and on MEMORY an update of a loaded account is applied live
 * while an unknown account's is skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec } from 'nats';
import { createAccount, createUser } from '@nats-io/nkeys';
import { waitFor } from '../helpers/servers.js';
import { makeAccount, makeOperator, makeUser, nowSec, UNLIMITED } from '../../packages/broker/src/jwt/fixtures.test.js';
import { KINDS, closedReason, connectOutcome, natsConnect, startBoth, skipWithoutNatsServer, stopAfterFile, USER_LIMITS as LIM } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();
const sc = StringCodec();

interface UpdateReply {
  data?: { account?: string; code: number; message: string };
  error?: { account?: string; code: number; description: string };
  server?: { id: string };
}

test('full resolver: lookup, pushed updates take effect live (exports, connection limit, revocation)', { skip, timeout: 120_000 }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.sk, {}, { kp: aKp, name: 'A' });
  const b = await makeAccount(op.kp, { imports: [{ name: 'late', subject: 'late.>', account: aKp.getPublicKey(), type: 'stream' }] as never }, { name: 'B' });
  const servers = await startBoth(
    'jwt-full',
    op.jwt,
    (dir, opFile) =>
      `operator: "${opFile}"\nresolver: { type: full, dir: "${dir}/jwt", allow_delete: true }\nresolver_preload: {\n  ${sys.pub}: "${sys.jwt}"\n  ${a.pub}: "${a.jwt}"\n  ${b.pub}: "${b.jwt}"\n}\n`,
    procs,
  );

  const forgedReplies: string[] = [];
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    const sysNc = await natsConnect(port, await makeUser(sysKp, LIM));
    clients.push(sysNc);
    const push = async (subject: string, jwt: string): Promise<UpdateReply> => JSON.parse(sc.decode((await sysNc.request(subject, sc.encode(jwt), { timeout: 5000 })).data)) as UpdateReply;

    // Lookup returns the stored JWT.
    const looked = await sysNc.request(`$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.LOOKUP`, undefined, { timeout: 5000 });
    assert.equal(sc.decode(looked.data), a.jwt, `${kind}: lookup`);

    // Clients of A and B; B imports late.> from A, which A does not export yet.
    const victimKp = createUser();
    const victim = await makeUser(aKp, LIM, { kp: victimKp });
    const a1 = await natsConnect(port, await makeUser(aKp, LIM));
    const a2 = await natsConnect(port, victim);
    const bNc = await natsConnect(port, await makeUser(b.kp, LIM));
    clients.push(a1, a2, bNc);
    const got: string[] = [];
    bNc.subscribe('late.>', { callback: (_e, m) => got.push(m.subject) });
    await bNc.flush();
    a1.publish('late.before', sc.encode('x'));
    await a1.flush();

    // An update from an untrusted operator key is stored by neither: the account stays as it was.
    const stranger = await makeOperator();
    const forged = await makeAccount(stranger.kp, { exports: [{ name: 'late', subject: 'late.>', type: 'stream' }] as never }, { kp: aKp, name: 'A' });
    const fr = await push('$SYS.REQ.CLAIMS.UPDATE', forged.jwt);
    forgedReplies.push(JSON.stringify(fr.data ?? fr.error));

    // A now exports late.>: B's import takes effect without a reconnect.
    const exporting = await makeAccount(op.sk, { exports: [{ name: 'late', subject: 'late.>', type: 'stream' }] as never }, { kp: aKp, name: 'A' });
    const r1 = await push('$SYS.REQ.CLAIMS.UPDATE', exporting.jwt);
    assert.deepEqual(r1.data, { account: a.pub, code: 200, message: 'jwt updated' }, `${kind}: update reply`);
    await waitFor(
      async () => {
        a1.publish('late.after', sc.encode('x'));
        await a1.flush();
        await new Promise((r) => setTimeout(r, 50));
        return got.includes('late.after');
      },
      10_000,
      `${kind}: the new export to reach B`,
    );
    assert.ok(!got.includes('late.before'), `${kind}: nothing crossed before the export existed`);

    // A revocation of the victim, pushed on the per-account subject: the victim is cut.
    const victimClosed = closedReason(a2, 10_000);
    const revoking = await makeAccount(
      op.sk,
      { exports: [{ name: 'late', subject: 'late.>', type: 'stream' }] as never, revocations: { [victimKp.getPublicKey()]: nowSec() + 3600 } },
      { kp: aKp, name: 'A' },
    );
    const r2 = await push(`$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, revoking.jwt);
    assert.equal(r2.data?.code, 200, `${kind}: revocation update accepted`);
    assert.equal(await victimClosed, 'User Authentication Revoked', `${kind}: revoked user disconnected`);
    assert.equal(await connectOutcome(port, victim, clients), 'Authorization Violation', `${kind}: revoked user cannot come back`);

    // Connection limit lowered to 1 with two clients of A connected: nats-server sorts them
    // newest first and cuts those past the limit, so the older client goes.
    const a3 = await natsConnect(port, await makeUser(aKp, LIM));
    clients.push(a3);
    await a3.flush();
    const a1Closed = closedReason(a1, 10_000);
    const limited = await makeAccount(
      op.sk,
      {
        exports: [{ name: 'late', subject: 'late.>', type: 'stream' }] as never,
        revocations: { [victimKp.getPublicKey()]: nowSec() + 3600 },
        limits: { ...UNLIMITED, conn: 1 },
      },
      { kp: aKp, name: 'A' },
    );
    const r3 = await push(`$SYS.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, limited.jwt);
    assert.equal(r3.data?.code, 200, `${kind}: limit update accepted`);
    assert.equal(await a1Closed, 'maximum account active connections exceeded', `${kind}: the older client over the new limit`);
    await a3.flush();
    assert.equal(a3.isClosed(), false, `${kind}: the newest client stays`);
    assert.equal(await connectOutcome(port, await makeUser(aKp, LIM), clients), 'maximum account active connections exceeded', `${kind}: no room for another`);
    for (const nc of [a3, bNc, sysNc]) await nc.close();
  }
  // The untrusted update got the same answer from both (stored, then refused when applied).
  assert.equal(forgedReplies[0], forgedReplies[1], 'same reply to an untrusted update');
});

test('MEMORY resolver: an update of a loaded account applies live, one of an unknown account is skipped', { skip, timeout: 120_000 }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.kp, {}, { kp: aKp, name: 'A' });
  const servers = await startBoth(
    'jwt-mem',
    op.jwt,
    (_dir, opFile) => `operator: "${opFile}"\nresolver: MEMORY\nresolver_preload: {\n  ${sys.pub}: "${sys.jwt}"\n  ${a.pub}: "${a.jwt}"\n}\n`,
    procs,
  );
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    const sysNc = await natsConnect(port, await makeUser(sysKp, LIM));
    clients.push(sysNc);
    const victimKp = createUser();
    const victim = await natsConnect(port, await makeUser(aKp, LIM, { kp: victimKp }));
    clients.push(victim);
    await victim.flush();
    const closed = closedReason(victim, 10_000);
    const revoking = await makeAccount(op.kp, { revocations: { [victimKp.getPublicKey()]: nowSec() + 3600 } }, { kp: aKp, name: 'A' });
    const reply = JSON.parse(sc.decode((await sysNc.request(`$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, sc.encode(revoking.jwt), { timeout: 5000 })).data)) as UpdateReply;
    assert.deepEqual(reply.data, { account: a.pub, code: 200, message: 'jwt updated' }, `${kind}: update reply`);
    assert.equal(await closed, 'User Authentication Revoked', `${kind}: revoked user disconnected`);
    const unknown = await makeAccount(op.kp, {}, { name: 'NEW' });
    const skipped = JSON.parse(sc.decode((await sysNc.request(`$SYS.REQ.ACCOUNT.${unknown.pub}.CLAIMS.UPDATE`, sc.encode(unknown.jwt), { timeout: 5000 })).data)) as UpdateReply;
    assert.deepEqual(skipped.data, { account: unknown.pub, code: 200, message: 'jwt update skipped' }, `${kind}: unknown account skipped`);
    await sysNc.close();
  }
});
