/**
 * Differential test of the operator-mode CONNECT decision against nats-server 2.9.10: the same
 * operator, accounts (MEMORY resolver, preloaded) and user JWTs; a raw client reads the INFO
 * nonce, signs it, sends CONNECT + PING and records what nats-server answers; the library's
 * `authorizeJwtConnect` gets exactly the same inputs (JWT, signature, nonce, address, account
 * lookup) and must reach the same outcome — accepted (PONG), `Authorization Violation`, or
 * `maximum account active connections exceeded` — and, for permissions taken from the JWT,
 * allow and deny the same publishes.
 *
 * Switchboard's server does not serve operator mode yet: this compares the library that the
 * integration will plug in, not a running Switchboard.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount, createUser, type KeyPair } from '@nats-io/nkeys';
import { jwt as J, PermissionSet } from '@switchboard/broker';
import { startProcess, natsServerAvailable, type ProcServer } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';
import { tmpDir } from '../auth/helpers.js';
import { makeAccount, makeOperator, makeUser, nowSec, UNLIMITED, type Acc } from '../../packages/broker/src/jwt/fixtures.test.js';

const skip = natsServerAvailable() ? false : 'nats-server is not on PATH';
const procs: ProcServer[] = [];
const conns: RawConn[] = [];
after(async () => {
  for (const c of conns) c.close();
  await Promise.all(procs.map((p) => p.stop()));
});

interface Outcome {
  ok: boolean;
  err?: string;
}

/** Connects to nats-server with `jwt` and a signature made by `signer` (none for bearer / missing). */
async function natsConnect(port: number, userJwt: string, signer: KeyPair | undefined): Promise<{ outcome: Outcome; nonce: string; sig?: string; conn: RawConn }> {
  const c = await RawConn.open(port);
  conns.push(c);
  const info = await c.waitFor(/^INFO .*\r\n/);
  const nonce = (JSON.parse(info.slice(5, info.indexOf('\r\n'))) as { nonce: string }).nonce;
  c.drain();
  const sig = signer ? Buffer.from(signer.sign(new TextEncoder().encode(nonce))).toString('base64url') : undefined;
  c.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, jwt: userJwt, ...(sig ? { sig } : {}) })}\r\nPING\r\n`);
  const got = await c.waitFor(/PONG\r\n|-ERR '[^']*'\r\n/, 5000);
  const err = /-ERR '([^']*)'/.exec(got)?.[1];
  return { outcome: err ? { ok: false, err } : { ok: true }, nonce, ...(sig ? { sig } : {}), conn: c };
}

test('CONNECT decisions match nats-server 2.9.10 for the same JWTs', { skip }, async () => {
  const op = await makeOperator();
  const trust = J.buildTrust({ operators: [J.decodeOperatorJwt(op.jwt)] });
  const sk = createAccount();
  const scoped = createAccount();
  const now = nowSec();
  const hour = new Date().getUTCHours();
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00:00`;

  const sys = await makeAccount(op.kp, {}, { name: 'SYS' });
  const a = await makeAccount(
    op.kp,
    {
      signing_keys: [sk.getPublicKey(), { kind: 'user_scope', key: scoped.getPublicKey(), role: 'r', template: { pub: { allow: ['{{name()}}.>'] }, subs: -1, payload: -1, data: -1 } } as never],
      tags: ['region:eu'],
    },
    { name: 'A' },
  );
  const limited = await makeAccount(op.sk, { limits: { ...UNLIMITED, conn: 1 } }, { name: 'ONE' });
  const noBearer = await makeAccount(op.kp, { limits: { ...UNLIMITED, disallow_bearer: true } }, { name: 'NOBEARER' });
  const defaults = await makeAccount(op.kp, { default_permissions: { pub: { allow: ['ok.>'] } } }, { name: 'DEFAULTS' });
  const stranger = await makeOperator();
  const untrusted = await makeAccount(stranger.kp, {}, { name: 'UNTRUSTED' });
  const expiredAcc = await makeAccount(op.kp, {}, { name: 'EXPIRED', exp: now - 10 });
  const noLimits = await makeAccount(op.kp, { limits: {} }, { name: 'NOLIMITS' });
  const unknown = createAccount();

  const revokedUser = createUser();
  // Revocations are re-signed into A's JWT after the revoked user is issued.
  const revoked = await makeUser(a.kp, {}, { kp: revokedUser, name: 'revoked' });
  const aWithRevocation = await makeAccount(
    op.kp,
    {
      signing_keys: [sk.getPublicKey(), { kind: 'user_scope', key: scoped.getPublicKey(), role: 'r', template: { pub: { allow: ['{{name()}}.>'] }, subs: -1, payload: -1, data: -1 } } as never],
      tags: ['region:eu'],
      revocations: { [revokedUser.getPublicKey()]: now + 1 },
    },
    { name: 'A', kp: a.kp },
  );

  const accounts: Acc[] = [sys, aWithRevocation, limited, noBearer, defaults, untrusted, expiredAcc, noLimits];
  const dir = tmpDir('jwt-diff');
  const opFile = join(dir, 'op.jwt');
  writeFileSync(opFile, op.jwt);
  const preload = accounts.map((x) => `  ${x.pub}: "${x.jwt}"`).join('\n');
  const conf = `operator: "${opFile}"\nsystem_account: ${sys.pub}\nresolver: MEMORY\nresolver_preload: {\n${preload}\n}\n`;
  writeFileSync(join(dir, 'server.conf'), conf);
  const srv = await startProcess('nats-server', ['-c', join(dir, 'server.conf')]);
  procs.push(srv);

  type Case = { name: string; jwt: string; signer?: KeyPair; activeConnections?: number; publish?: string[] };
  const cases: Case[] = [];
  const add = async (name: string, acc: KeyPair, nats: object, opts: Parameters<typeof makeUser>[2] = {}, sign = true, extra: Partial<Case> = {}) => {
    const u = await makeUser(acc, nats as never, opts);
    cases.push({ name, jwt: u.jwt, ...(sign ? { signer: u.kp } : {}), ...extra });
  };
  await add('good user', a.kp, {});
  await add('expired user', a.kp, {}, { exp: now - 5 });
  await add('not yet valid', a.kp, {}, { nbf: now + 3600 });
  cases.push({ name: 'revoked user', jwt: revoked.jwt, signer: revokedUser });
  await add('signed by a listed signing key', a.kp, {}, { signer: sk });
  await add('forged issuer_account (unlisted signing key)', a.kp, {}, { signer: createAccount() });
  await add('wrong signer (unknown key, no issuer_account)', createAccount(), {});
  await add('unknown account', unknown, {});
  await add('account from an untrusted operator', untrusted.kp, {});
  await add('expired account', expiredAcc.kp, {});
  await add('account without limits (conn 0)', noLimits.kp, {});
  const good = await makeUser(a.kp);
  cases.push({ name: 'bad nonce signature', jwt: good.jwt, signer: createUser() });
  cases.push({ name: 'missing signature', jwt: good.jwt });
  await add('bearer token', a.kp, { bearer_token: true }, {}, false);
  await add('bearer token, account disallows', noBearer.kp, { bearer_token: true }, {}, false);
  await add('src outside', a.kp, { src: ['10.0.0.0/8'] });
  await add('src inside', a.kp, { src: ['127.0.0.0/8'] });
  await add('outside connect times', a.kp, { times: [{ start: pad(hour + 2), end: pad(hour + 3) }], times_location: 'UTC' });
  await add('inside connect times', a.kp, { times: [{ start: pad(hour + 23), end: pad(hour + 1) }], times_location: 'UTC' });
  await add('websocket only', a.kp, { allowed_connection_types: ['WEBSOCKET'] });
  await add('standard allowed', a.kp, { allowed_connection_types: ['STANDARD', 'WEBSOCKET'] });
  await add('scoped user', a.kp, {}, { signer: scoped, scoped: true, name: 'svc' }, true, { publish: ['svc.x', 'other.x'] });
  await add('scoped user with permissions', a.kp, { pub: { allow: ['x'] } }, { signer: scoped, scoped: true });
  await add('permissions from the JWT', a.kp, { pub: { allow: ['foo.*'], deny: ['foo.bar'] } }, {}, true, { publish: ['foo.x', 'foo.bar', 'baz'] });
  await add('account default permissions', defaults.kp, {}, {}, true, { publish: ['ok.1', 'no'] });

  // The connection limit: one user of ONE stays connected, the next one is refused.
  const first = await makeUser(limited.kp);
  const held = await natsConnect(srv.port, first.jwt, first.kp);
  assert.deepEqual(held.outcome, { ok: true }, 'the first connection of ONE');
  await add('account connection limit reached', limited.kp, {}, {}, true, { activeConnections: 1 });

  const ctx: J.JwtConnectContext = { trust, server: { maxPayload: 1024 * 1024, maxSubscriptions: 0 } };
  const byKey = new Map(accounts.map((x) => [x.pub, x]));
  for (const c of cases) {
    const theirs = await natsConnect(srv.port, c.jwt, c.signer);
    const accKey = J.userJwtAccount(c.jwt);
    let lookup: J.AccountLookup | undefined;
    if (accKey !== undefined) {
      const found = byKey.get(accKey);
      if (!found) lookup = { ok: false, error: 'account missing' };
      else {
        const v = J.verifyAccountJwt(found.jwt, trust, Date.now(), accKey);
        lookup = v.ok ? { ok: true, account: J.accountFromClaims(v.claims, trust), activeConnections: c.activeConnections ?? 0 } : v;
      }
    }
    const ours = J.authorizeJwtConnect({ jwt: c.jwt, ...(theirs.sig ? { sig: theirs.sig } : {}), nonce: theirs.nonce, clientHost: '127.0.0.1', connectionType: 'STANDARD', now: Date.now() }, ctx, lookup);
    const oursOutcome: Outcome = ours.ok ? { ok: true } : { ok: false, err: ours.error };
    assert.deepEqual(oursOutcome, theirs.outcome, `${c.name}: nats-server ${JSON.stringify(theirs.outcome)}, ours ${JSON.stringify(ours)}`);

    if (ours.ok && c.publish) {
      // Same publish decisions as nats-server's permission check.
      const perms = new PermissionSet(ours.permissions ?? {});
      for (const subject of c.publish) {
        theirs.conn.drain();
        theirs.conn.write(`PUB ${subject} 0\r\n\r\nPING\r\n`);
        const got = await theirs.conn.waitFor(/PONG\r\n/, 5000);
        const denied = got.includes('Permissions Violation');
        assert.equal(!perms.canPublish(subject), denied, `${c.name}: publish ${subject}: nats-server ${denied ? 'denies' : 'allows'}`);
      }
    }
    theirs.conn.close();
  }
  held.conn.close();

  // A user JWT with a subscription limit of 0: accepted, then cut with 'maximum subscriptions exceeded'.
  const zero = await makeUser(a.kp, { subs: 0 });
  const theirs = await natsConnect(srv.port, zero.jwt, zero.kp);
  // nats-server authenticates, then (asynchronously, before or after the PONG) sends this and closes.
  await theirs.conn.waitFor(/-ERR 'maximum subscriptions exceeded'/, 5000);
  assert.ok(!theirs.conn.text().includes('Authorization Violation'));
  const ours = J.authorizeJwtConnect(
    { jwt: zero.jwt, sig: theirs.sig!, nonce: theirs.nonce, clientHost: '127.0.0.1', connectionType: 'STANDARD', now: Date.now() },
    ctx,
    { ok: true, account: J.accountFromClaims(J.decodeAccountJwt(aWithRevocation.jwt), trust), activeConnections: 0 },
  );
  assert.equal(ours.ok && ours.subscriptionsAtLimit, true);
});

test('strict signing key usage matches nats-server: accounts only via operator signing keys, users only via account signing keys', { skip }, async () => {
  const op = await makeOperator({ strict_signing_key_usage: true });
  const trust = J.buildTrust({ operators: [J.decodeOperatorJwt(op.jwt)] });
  const ask = createAccount();
  const viaSk = await makeAccount(op.sk, { signing_keys: [ask.getPublicKey()] }, { name: 'VIASK' });
  const direct = await makeAccount(op.kp, {}, { name: 'DIRECT' });
  const dir = tmpDir('jwt-strict');
  writeFileSync(join(dir, 'op.jwt'), op.jwt);
  const conf = `operator: "${join(dir, 'op.jwt')}"\nresolver: MEMORY\nresolver_preload: {\n  ${viaSk.pub}: "${viaSk.jwt}"\n  ${direct.pub}: "${direct.jwt}"\n}\n`;
  writeFileSync(join(dir, 'server.conf'), conf);
  const srv = await startProcess('nats-server', ['-c', join(dir, 'server.conf')]);
  procs.push(srv);
  const users = [
    ['account key signs the user', await makeUser(viaSk.kp), false],
    ['account signing key signs the user', await makeUser(viaSk.kp, {}, { signer: ask }), true],
    ['account issued by the operator identity', await makeUser(direct.kp), false],
  ] as const;
  for (const [name, u, expected] of users) {
    const theirs = await natsConnect(srv.port, u.jwt, u.kp);
    const accKey = J.userJwtAccount(u.jwt)!;
    const accJwt = accKey === viaSk.pub ? viaSk.jwt : direct.jwt;
    const v = J.verifyAccountJwt(accJwt, trust, Date.now(), accKey);
    const lookup: J.AccountLookup = v.ok ? { ok: true, account: J.accountFromClaims(v.claims, trust), activeConnections: 0 } : v;
    const ours = J.authorizeJwtConnect({ jwt: u.jwt, sig: theirs.sig!, nonce: theirs.nonce, clientHost: '127.0.0.1', connectionType: 'STANDARD', now: Date.now() }, { trust, server: { maxPayload: 1 << 20, maxSubscriptions: 0 } }, lookup);
    assert.deepEqual(ours.ok ? { ok: true } : { ok: false, err: ours.error }, theirs.outcome, name);
    assert.equal(theirs.outcome.ok, expected, `${name}: nats-server's outcome`);
    theirs.conn.close();
  }
});
