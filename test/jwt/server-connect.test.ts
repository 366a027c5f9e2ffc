/**
 * Operator mode in a running server, differential against nats-server 2.9.10: both servers get
 * the same operator, the same account JWTs (MEMORY resolver, preloaded) and the same conf; a
 * real `nats` client tries the same users on each. Every outcome is asserted for both servers
 * and must be the one nats-server shows: accepted, `Authorization Violation` (expired, revoked,
 * wrong signer, forged issuer_account, unknown or untrusted account), the account connection
 * limit, permissions and payload limits from the JWT, a user JWT expiring while connected,
 * stream and service imports between JWT accounts (public exports and an activation token),
 * and requests from a system-account user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec } from 'nats';
import { createAccount, createUser } from '@nats-io/nkeys';
import { waitFor } from '../helpers/servers.js';
import { makeAccount, makeActivation, makeOperator, makeUser, nowSec, UNLIMITED } from '../../packages/broker/src/jwt/fixtures.test.js';
import { KINDS, closedReason, collectErrors, connectOutcome, natsConnect, startBoth, type Kind, type Running, skipWithoutNatsServer, stopAfterFile } from './server-helpers.js';

const skip = skipWithoutNatsServer();
const { procs, clients } = stopAfterFile();
const sc = StringCodec();

async function fixture() {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const bKp = createAccount();
  const revokedUser = createUser();
  const now = nowSec();
  const a = await makeAccount(
    op.sk,
    {
      exports: [
        { name: 'events', subject: 'a.events.>', type: 'stream' },
        { name: 'svc', subject: 'a.svc', type: 'service' },
        { name: 'private', subject: 'a.private', type: 'service', token_req: true },
      ] as never,
      revocations: { [revokedUser.getPublicKey()]: now + 3600 },
    },
    { kp: aKp, name: 'A' },
  );
  const token = await makeActivation(aKp, bKp.getPublicKey(), 'service', 'a.private');
  const b = await makeAccount(
    op.kp,
    {
      imports: [
        { name: 'events', subject: 'a.events.>', account: aKp.getPublicKey(), type: 'stream' },
        { name: 'svc', subject: 'a.svc', account: aKp.getPublicKey(), type: 'service' },
        { name: 'private', subject: 'a.private', account: aKp.getPublicKey(), type: 'service', token },
      ] as never,
    },
    { kp: bKp, name: 'B' },
  );
  // Imports the token-required service without a token: the import is not authorized.
  const c = await makeAccount(op.kp, { imports: [{ name: 'private', subject: 'a.private', account: aKp.getPublicKey(), type: 'service' }] as never }, { name: 'C' });
  const one = await makeAccount(op.kp, { limits: { ...UNLIMITED, conn: 1 } }, { name: 'ONE' });
  const small = await makeAccount(op.kp, { limits: { ...UNLIMITED, payload: 8 } }, { name: 'SMALL' });
  const stranger = await makeOperator();
  const untrusted = await makeAccount(stranger.kp, {}, { name: 'UNTRUSTED' });
  const accounts = [sys, a, b, c, one, small, untrusted];
  const conf = (_dir: string, opFile: string) =>
    `operator: "${opFile}"\nsystem_account: ${sys.pub}\nresolver: MEMORY\nresolver_preload: {\n${accounts.map((x) => `  ${x.pub}: "${x.jwt}"`).join('\n')}\n}\n`;
  return { op, sys, a, b, c, one, small, untrusted, revokedUser, now, conf };
}

test('operator mode: CONNECT outcomes, limits, permissions, imports and $SYS requests match nats-server 2.9.10', { skip, timeout: 120_000 }, async () => {
  const f = await fixture();
  const servers = await startBoth('jwt-srv', f.op.jwt, f.conf, procs);

  const users = {
    good: await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }),
    expired: await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }, { exp: f.now - 5 }),
    revoked: await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }, { kp: f.revokedUser }),
    wrongSigner: await makeUser(createAccount(), { subs: -1, payload: -1, data: -1 }),
    // Signed by a key A does not list, claiming to be A's user.
    forged: await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }, { signer: createAccount() }),
    unknownAccount: await makeUser(createAccount(), { subs: -1, payload: -1, data: -1 }),
    untrusted: await makeUser(f.untrusted.kp, { subs: -1, payload: -1, data: -1 }),
  };
  const expected: Record<keyof typeof users, string> = {
    good: 'ok',
    expired: 'Authorization Violation',
    revoked: 'Authorization Violation',
    wrongSigner: 'Authorization Violation',
    forged: 'Authorization Violation',
    unknownAccount: 'Authorization Violation',
    untrusted: 'Authorization Violation',
  };
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    for (const [name, u] of Object.entries(users)) {
      assert.equal(await connectOutcome(port, u, clients), expected[name as keyof typeof users], `${kind}: ${name}`);
    }
  }

  // Account connection limit (conn: 1): the second client is refused with nats-server's text.
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    const u1 = await makeUser(f.one.kp, { subs: -1, payload: -1, data: -1 });
    const u2 = await makeUser(f.one.kp, { subs: -1, payload: -1, data: -1 });
    assert.equal(await connectOutcome(port, u1, clients, true), 'ok', `${kind}: first client of ONE`);
    assert.equal(await connectOutcome(port, u2, clients), 'maximum account active connections exceeded', `${kind}: second client of ONE`);
  }

  // Permissions from the user JWT: allowed subjects work, others get nats-server's violations.
  for (const kind of KINDS) await checkPermissions(kind, servers[kind], f);
  // Payload limit from the account JWT (8 bytes): INFO max_payload and a violation closes.
  for (const kind of KINDS) await checkPayloadLimit(kind, servers[kind], f);
  // Imports between JWT accounts.
  for (const kind of KINDS) await checkImports(kind, servers[kind], f);
  // System account requests.
  for (const kind of KINDS) await checkSystemRequests(kind, servers[kind], f);
  // A user JWT expiring while connected.
  for (const kind of KINDS) {
    const u = await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }, { exp: nowSec() + 2 });
    const nc = await natsConnect(servers[kind].srv.port, u);
    clients.push(nc);
    assert.equal(await closedReason(nc, 10_000), 'User Authentication Expired', `${kind}: expiring user`);
  }
});

async function checkPermissions(kind: Kind, s: Running, f: Awaited<ReturnType<typeof fixture>>): Promise<void> {
  const u = await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1, pub: { allow: ['ok.>'] }, sub: { allow: ['ok.>', '_INBOX.>'] } } as never);
  const nc = await natsConnect(s.srv.port, u);
  clients.push(nc);
  const errors = collectErrors(nc);
  const got: string[] = [];
  nc.subscribe('ok.>', { callback: (_e, m) => got.push(m.subject) });
  nc.subscribe('no.>', { callback: () => undefined });
  await nc.flush();
  nc.publish('no.x', sc.encode('x'));
  nc.publish('ok.x', sc.encode('x'));
  await nc.flush();
  await waitFor(() => got.length === 1 && errors.length >= 2, 5000, `${kind}: permissions outcome`);
  assert.deepEqual(got, ['ok.x'], `${kind}: allowed publish delivered`);
  assert.deepEqual(errors.sort(), ['PERMISSIONS_VIOLATION publish no.x', 'PERMISSIONS_VIOLATION subscription no.>'], `${kind}: violations`);
  await nc.close();
}

async function checkPayloadLimit(kind: Kind, s: Running, f: Awaited<ReturnType<typeof fixture>>): Promise<void> {
  const u = await makeUser(f.small.kp, { subs: -1, payload: -1, data: -1 });
  const nc = await natsConnect(s.srv.port, u);
  clients.push(nc);
  await nc.flush();
  assert.equal(nc.info?.max_payload, 8, `${kind}: INFO max_payload from the account JWT`);
  // nats.js refuses to send more than max_payload itself; the server's limit is what it learned.
  assert.throws(() => nc.publish('x', sc.encode('123456789')), /MAX_PAYLOAD_EXCEEDED/, `${kind}: client refuses an oversized payload`);
  await nc.close();
}

async function checkImports(kind: Kind, s: Running, f: Awaited<ReturnType<typeof fixture>>): Promise<void> {
  const port = s.srv.port;
  const lim = { subs: -1, payload: -1, data: -1 };
  const aNc = await natsConnect(port, await makeUser(f.a.kp, lim));
  const bNc = await natsConnect(port, await makeUser(f.b.kp, lim));
  const cNc = await natsConnect(port, await makeUser(f.c.kp, lim));
  clients.push(aNc, bNc, cNc);
  aNc.subscribe('a.svc', { callback: (_e, m) => m.respond(sc.encode(`svc:${sc.decode(m.data)}`)) });
  aNc.subscribe('a.private', { callback: (_e, m) => m.respond(sc.encode(`private:${sc.decode(m.data)}`)) });
  await aNc.flush();
  // Stream import: B sees A's events under the same subject.
  const got: string[] = [];
  bNc.subscribe('a.events.>', { callback: (_e, m) => got.push(`${m.subject}:${sc.decode(m.data)}`) });
  await bNc.flush();
  await waitFor(
    async () => {
      aNc.publish('a.events.one', sc.encode('1'));
      await aNc.flush();
      await new Promise((r) => setTimeout(r, 50));
      return got.length > 0;
    },
    10_000,
    `${kind}: stream import delivery`,
  );
  assert.equal(got[0], 'a.events.one:1', `${kind}: stream import`);
  // Service import, public export.
  const r1 = await bNc.request('a.svc', sc.encode('hi'), { timeout: 5000 });
  assert.equal(sc.decode(r1.data), 'svc:hi', `${kind}: service import`);
  // Service import of a token-required export with an activation token.
  const r2 = await bNc.request('a.private', sc.encode('t'), { timeout: 5000 });
  assert.equal(sc.decode(r2.data), 'private:t', `${kind}: service import with activation token`);
  // Without a token the import does not exist: no responders.
  const r3 = await cNc.request('a.private', sc.encode('t'), { timeout: 2000 }).then(
    () => 'answered',
    (e: Error & { code?: string }) => String(e.code),
  );
  assert.equal(r3, '503', `${kind}: import without a required token`);
  for (const nc of [aNc, bNc, cNc]) await nc.close();
}

async function checkSystemRequests(kind: Kind, s: Running, f: Awaited<ReturnType<typeof fixture>>): Promise<void> {
  const nc = await natsConnect(s.srv.port, await makeUser(f.sys.kp, { subs: -1, payload: -1, data: -1 }));
  clients.push(nc);
  const ping = JSON.parse(sc.decode((await nc.request('$SYS.REQ.SERVER.PING', undefined, { timeout: 5000 })).data)) as { server: { id: string }; statsz: { connections: number } };
  assert.match(ping.server.id, /^N[A-Z0-9]{55}$/, `${kind}: STATSZ from the system account`);
  assert.ok(ping.statsz.connections >= 1, `${kind}: statsz counts the system user`);
  // Account-scoped request about a JWT account, and an auth error event seen by the system user.
  const authErrs: string[] = [];
  nc.subscribe('$SYS.SERVER.*.CLIENT.AUTH.ERR', { callback: (_e, m) => authErrs.push((JSON.parse(sc.decode(m.data)) as { reason: string }).reason) });
  const conns: number[] = [];
  nc.subscribe(`$SYS.ACCOUNT.${f.a.pub}.SERVER.CONNS`, { callback: (_e, m) => conns.push((JSON.parse(sc.decode(m.data)) as { conns: number }).conns) });
  await nc.flush();
  const bad = await makeUser(createAccount(), { subs: -1, payload: -1, data: -1 });
  assert.equal(await connectOutcome(s.srv.port, bad, clients), 'Authorization Violation');
  await waitFor(() => authErrs.length > 0, 5000, `${kind}: CLIENT.AUTH.ERR`);
  assert.equal(authErrs[0], 'Authentication Failure', `${kind}: auth error event reason`);
  const user = await natsConnect(s.srv.port, await makeUser(f.a.kp, { subs: -1, payload: -1, data: -1 }));
  clients.push(user);
  await waitFor(() => conns.includes(1), 5000, `${kind}: account CONNS event`);
  await user.close();
  await waitFor(() => conns.includes(0), 5000, `${kind}: account CONNS event after the close`);
  await nc.close();
}
