/**
 * Activation tokens in a running server, differential against nats-server 2.9.10: a service
 * import of a token-required export works while its activation token is valid and is no longer
 * answered once the token expires; INFO in operator mode carries `auth_required` and a fresh
 * 15-character nonce per connection on both servers.
 *
 * Known difference: after the expiry nats-server keeps the (now invalid) import's subscription,
 * so the requester times out; Switchboard removes the import, so the requester gets no
 * responders (503). Both are asserted as observed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec } from 'nats';
import { createAccount } from '@nats-io/nkeys';
import { waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';
import { makeAccount, makeActivation, makeOperator, makeUser, nowSec } from '../../packages/broker/src/jwt/fixtures.test.js';
import { KINDS, natsConnect, startBoth, skipWithoutNatsServer, stopAfterFile, USER_LIMITS as LIM } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();
const sc = StringCodec();

test('an expiring activation token ends its import; INFO has auth_required and a nonce', { skip, timeout: 120_000 }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.kp, { exports: [{ name: 'private', subject: 'a.private', type: 'service', token_req: true }] as never }, { kp: aKp, name: 'A' });
  const servers = await startBoth(
    'jwt-act',
    op.jwt,
    (dir, opFile) => `operator: "${opFile}"\nresolver: { type: full, dir: "${dir}/jwt" }\nresolver_preload: {\n  ${sys.pub}: "${sys.jwt}"\n  ${a.pub}: "${a.jwt}"\n}\n`,
    procs,
  );
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    // INFO: auth required, a 15-character nonce, a different one per connection.
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const raw = await RawConn.open(port);
      const line = await raw.waitFor(/^INFO .*\r\n/);
      raw.close();
      const info = JSON.parse(line.slice(5, line.indexOf('\r\n'))) as { auth_required?: boolean; nonce?: string };
      assert.equal(info.auth_required, true, `${kind}: auth_required`);
      assert.match(info.nonce ?? '', /^[A-Za-z0-9_-]{15}$/, `${kind}: nonce`);
      nonces.push(info.nonce!);
    }
    assert.notEqual(nonces[0], nonces[1], `${kind}: a fresh nonce per connection`);

    // B imports a.private with a token that runs out in a few seconds; B is pushed now.
    const sysNc = await natsConnect(port, await makeUser(sysKp, LIM));
    clients.push(sysNc);
    const bKp = createAccount();
    const token = await makeActivation(aKp, bKp.getPublicKey(), 'service', 'a.private', { exp: nowSec() + 10 });
    const b = await makeAccount(op.kp, { imports: [{ name: 'private', subject: 'a.private', account: a.pub, type: 'service', token }] as never }, { kp: bKp, name: 'B' });
    const pushed = JSON.parse(sc.decode((await sysNc.request('$SYS.REQ.CLAIMS.UPDATE', sc.encode(b.jwt), { timeout: 5000 })).data)) as { data?: { code: number } };
    assert.equal(pushed.data?.code, 200, `${kind}: B stored`);
    const aNc = await natsConnect(port, await makeUser(aKp, LIM));
    const bNc = await natsConnect(port, await makeUser(bKp, LIM));
    clients.push(aNc, bNc);
    aNc.subscribe('a.private', { callback: (_e, m) => m.respond(sc.encode('yes')) });
    await aNc.flush();
    const ask = () =>
      bNc.request('a.private', sc.encode('?'), { timeout: 2000 }).then(
        (m) => sc.decode(m.data),
        (e: Error & { code?: string }) => String(e.code),
      );
    assert.equal(await ask(), 'yes', `${kind}: import with a valid token`);
    let last = '';
    await waitFor(
      async () => {
        last = await ask();
        return last !== 'yes';
      },
      20_000,
      `${kind}: the import to end with its token`,
    );
    assert.equal(last, kind === 'switchboard' ? '503' : 'TIMEOUT', `${kind}: not answered once the token expired`);
    for (const nc of [aNc, bNc, sysNc]) await nc.close();
  }
});
