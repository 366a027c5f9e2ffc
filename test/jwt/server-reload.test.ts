/**
 * Reloading an operator-mode server (SIGHUP), differential against nats-server 2.9.10: a
 * changed `resolver_preload` replaces a loaded account's JWT, so a revocation added there
 * disconnects the revoked user with `User Authentication Revoked` on both servers.
 *
 * Known difference, kept on purpose: nats-server 2.9.10 also closes every other JWT client that
 * sent an `nkey` in CONNECT (nats.js does) without an error — its reloadAuthorization treats
 * them as users that "moved account" because operator mode has no nkey map. Switchboard keeps
 * them; the test records both outcomes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount, createUser } from '@nats-io/nkeys';
import { makeAccount, makeOperator, makeUser, nowSec } from '../../packages/broker/src/jwt/fixtures.test.js';
import { KINDS, closedReason, natsConnect, startBoth, skipWithoutNatsServer, stopAfterFile, USER_LIMITS as LIM } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();

test('reload with a changed resolver_preload applies the new account JWT to connected clients', { skip, timeout: 120_000 }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.kp, {}, { kp: aKp, name: 'A' });
  const conf = (opFile: string, aJwt: string) => `operator: "${opFile}"\nresolver: MEMORY\nresolver_preload: {\n  ${sys.pub}: "${sys.jwt}"\n  ${a.pub}: "${aJwt}"\n}\n`;
  const servers = await startBoth('jwt-reload', op.jwt, (_d, opFile) => conf(opFile, a.jwt), procs);
  const victimKp = createUser();
  const victim = await makeUser(aKp, LIM, { kp: victimKp });
  const bystander = await makeUser(aKp, LIM);
  const revoking = await makeAccount(op.kp, { revocations: { [victimKp.getPublicKey()]: nowSec() + 3600 } }, { kp: aKp, name: 'A' });
  for (const kind of KINDS) {
    const s = servers[kind];
    const v = await natsConnect(s.srv.port, victim);
    const b = await natsConnect(s.srv.port, bystander);
    clients.push(v, b);
    await v.flush();
    await b.flush();
    const closed = closedReason(v, 15_000);
    writeFileSync(join(s.dir, 'server.conf'), conf(join(s.dir, 'op.jwt'), revoking.jwt));
    s.srv.proc.kill('SIGHUP');
    assert.equal(await closed, 'User Authentication Revoked', `${kind}: revoked by the reloaded preload`);
    if (kind === 'switchboard') {
      await b.flush(); // still served after the reload that closed the victim
      assert.equal(b.isClosed(), false, 'switchboard: the other client stays');
    } else {
      // nats-server closes it in the same reload, in no fixed order with the victim: wait for it.
      assert.equal(await closedReason(b, 15_000), 'closed', 'nats-server: the other client is closed too (see above)');
    }
    await b.close();
  }
});
