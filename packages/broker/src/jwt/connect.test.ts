import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createUser } from '@nats-io/nkeys';
import { accountFromClaims, type JwtAccount } from './account.js';
import { decodeAccountJwt, decodeOperatorJwt } from './claims.js';
import { authorizeJwtConnect, recheckConnectedUser, userJwtAccount, type AccountLookup, type JwtConnectAccepted, type JwtConnectRejected } from './connect.js';
import { buildTrust, connectTimesAllowed, verifyAccountJwt, type TrustContext } from './trust.js';
import { makeAccount, makeOperator, makeUser, nowSec, signNonce, type Acc, type Op, type Usr } from './fixtures.test.js';

const NONCE = 'n0nce-abc';
const SERVER = { maxPayload: 1024 * 1024, maxSubscriptions: 0 };

async function setup(opNats: Parameters<typeof makeOperator>[0] = {}): Promise<{ op: Op; trust: TrustContext }> {
  const op = await makeOperator(opNats);
  return { op, trust: buildTrust({ operators: [decodeOperatorJwt(op.jwt)] }) };
}

function lookup(acc: Acc, trust: TrustContext, extra: Partial<{ expired: boolean; activeConnections: number }> = {}): AccountLookup {
  const v = verifyAccountJwt(acc.jwt, trust);
  if (!v.ok) return v;
  return { ok: true, account: accountFromClaims(v.claims, trust), activeConnections: extra.activeConnections ?? 0, ...(extra.expired ? { expired: true } : {}) };
}

function decide(trust: TrustContext, u: Usr | { jwt: string; kp?: Usr['kp'] }, account: AccountLookup | undefined, over: Partial<Parameters<typeof authorizeJwtConnect>[0]> = {}) {
  return authorizeJwtConnect(
    { jwt: u.jwt, sig: u.kp ? signNonce(u.kp, NONCE) : undefined, nonce: NONCE, clientHost: '127.0.0.1', connectionType: 'STANDARD', now: Date.now(), ...over },
    { trust, server: SERVER },
    account,
  );
}

const accepted = (d: ReturnType<typeof decide>): JwtConnectAccepted => {
  assert.equal(d.ok, true, JSON.stringify(d));
  return d as JwtConnectAccepted;
};
const rejected = (d: ReturnType<typeof decide>, log: string | RegExp): JwtConnectRejected => {
  assert.equal(d.ok, false, 'expected a rejection');
  const r = d as JwtConnectRejected;
  if (typeof log === 'string') assert.equal(r.log.message, log);
  else assert.match(r.log.message, log);
  return r;
};

test('a good user connects: bound account, no restrictions, unlimited limits, no expiry', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp, {}, { name: 'ACC' });
  const u = await makeUser(acc.kp, {}, { name: 'alice' });
  assert.equal(userJwtAccount(u.jwt), acc.pub);
  const d = accepted(decide(trust, u, lookup(acc, trust)));
  assert.equal(d.user.account, acc.pub);
  assert.equal(d.user.publicKey, u.pub);
  assert.equal(d.user.name, 'alice');
  assert.equal(d.user.signingKey, undefined);
  assert.equal(d.permissions, undefined);
  assert.deepEqual(d.limits, { maxPayload: 1024 * 1024, maxSubscriptions: -1, data: -1 });
  assert.equal(d.subscriptionsAtLimit, false);
  assert.equal(d.expiresInMs, undefined);
  // Account signed by the operator's signing key works the same.
  const acc2 = await makeAccount(op.sk);
  accepted(decide(trust, await makeUser(acc2.kp), lookup(acc2, trust)));
});

test('authorization violations, each with nats-server log line and the auth error event', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp);
  const u = await makeUser(acc.kp);
  const r = rejected(decide(trust, { jwt: '' }, undefined), 'Authentication requires a user JWT');
  assert.equal(r.error, 'Authorization Violation');
  assert.equal(r.closeReason, 'Authentication Failure');
  assert.equal(r.authErrorEvent, true);
  rejected(decide(trust, { jwt: 'garbage' }, undefined), 'User JWT not valid: expected 3 chunks');
  rejected(decide(trust, await makeUser(acc.kp, {}, { exp: nowSec() - 5 }), lookup(acc, trust)), 'User JWT no longer valid: claim is expired');
  rejected(decide(trust, u, lookup(acc, trust), { sig: undefined }), 'Signature missing');
  rejected(decide(trust, u, lookup(acc, trust), { sig: '!!!' }), 'Signature not valid base64');
  rejected(decide(trust, u, lookup(acc, trust), { sig: signNonce(createUser(), NONCE) }), 'Signature not verified');
  // Standard base64 signatures are accepted too.
  accepted(decide(trust, u, lookup(acc, trust), { sig: Buffer.from(u.kp.sign(new TextEncoder().encode(NONCE))).toString('base64') }));
  // Unknown account (lookup failed) and an account from an untrusted operator.
  rejected(decide(trust, u, { ok: false, error: 'account missing' }), 'Account JWT lookup error: account missing');
  const stranger = await makeOperator();
  const foreign = await makeAccount(stranger.kp);
  assert.deepEqual(verifyAccountJwt(foreign.jwt, trust), { ok: false, error: 'account validation failed' });
  const foreignDef: AccountLookup = { ok: true, account: accountFromClaims(decodeAccountJwt(foreign.jwt), trust), activeConnections: 0 };
  rejected(decide(trust, await makeUser(foreign.kp), foreignDef), 'Account JWT not signed by trusted operator');
  rejected(decide(trust, u, lookup(acc, trust, { expired: true })), 'Account JWT has expired');
});

test('forged issuer_account: a signing key the account does not list is unknown', async () => {
  const { op, trust } = await setup();
  const sk = createAccount();
  const acc = await makeAccount(op.kp, { signing_keys: [sk.getPublicKey()] });
  const viaSk = await makeUser(acc.kp, {}, { signer: sk });
  const d = accepted(decide(trust, viaSk, lookup(acc, trust)));
  assert.equal(d.user.signingKey, sk.getPublicKey());
  assert.equal(d.user.account, acc.pub);
  const forged = await makeUser(acc.kp, {}, { signer: createAccount() });
  rejected(decide(trust, forged, lookup(acc, trust)), 'User JWT issuer is not known');
  // A user of another account claiming this one through issuer_account.
  const other = await makeAccount(op.kp);
  const claimed = await makeUser(acc.kp, {}, { signer: other.kp });
  assert.equal(userJwtAccount(claimed.jwt), acc.pub);
  rejected(decide(trust, claimed, lookup(acc, trust)), 'User JWT issuer is not known');
});

test('strict signing key usage: the account key itself may not sign users', async () => {
  const { op, trust } = await setup({ strict_signing_key_usage: true });
  assert.equal(trust.trustedKeys.has(op.pub), false);
  assert.equal(trust.trustedKeys.has(op.sk.getPublicKey()), true);
  const sk = createAccount();
  const acc = await makeAccount(op.sk, { signing_keys: [sk.getPublicKey()] });
  rejected(decide(trust, await makeUser(acc.kp), lookup(acc, trust)), 'User JWT issuer is not known');
  accepted(decide(trust, await makeUser(acc.kp, {}, { signer: sk }), lookup(acc, trust)));
  // An account issued by the operator identity is not trusted at all in strict mode.
  const direct = await makeAccount(op.kp);
  assert.equal(verifyAccountJwt(direct.jwt, trust).ok, false);
});

test('revocations: the user, or all users, issued at or before the revocation', async () => {
  const { op, trust } = await setup();
  const kp = createAccount();
  const u = await makeUser(kp);
  const iat = (JSON.parse(Buffer.from(u.jwt.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat;
  for (const [revocations, revoked] of [
    [{ [u.pub]: iat }, true],
    [{ [u.pub]: iat - 1 }, false],
    [{ '*': iat + 10 }, true],
    [{ '*': iat - 10, [u.pub]: iat - 10 }, false],
  ] as const) {
    const acc = await makeAccount(op.kp, { revocations }, { kp });
    const d = decide(trust, u, lookup(acc, trust));
    if (revoked) rejected(d, 'User authentication revoked');
    else accepted(d);
  }
});

test('bearer tokens skip the nonce signature unless the account disallows them', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp);
  const bearer = await makeUser(acc.kp, { bearer_token: true });
  const d = accepted(decide(trust, { jwt: bearer.jwt }, lookup(acc, trust)));
  assert.equal(d.user.bearer, true);
  const strictAcc = await makeAccount(op.kp, { limits: { ...(await import('./fixtures.test.js')).UNLIMITED, disallow_bearer: true } }, { kp: acc.kp });
  rejected(decide(trust, { jwt: bearer.jwt }, lookup(strictAcc, trust)), 'Account does not allow bearer token');
});

test('connection types, source networks, pinned accounts', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp);
  const ws = await makeUser(acc.kp, { allowed_connection_types: ['WEBSOCKET'] });
  rejected(decide(trust, ws, lookup(acc, trust)), 'Connection type not allowed');
  accepted(decide(trust, ws, lookup(acc, trust), { connectionType: 'WEBSOCKET' }));
  const mixed = await makeUser(acc.kp, { allowed_connection_types: ['standard', 'IN_PROCESS'] as never });
  assert.deepEqual(accepted(decide(trust, mixed, lookup(acc, trust))).allowedConnectionTypes, ['STANDARD']);
  const unknownOnly = await makeUser(acc.kp, { allowed_connection_types: ['IN_PROCESS'] });
  rejected(decide(trust, unknownOnly, lookup(acc, trust)), 'invalid connection types ["IN_PROCESS"]');

  const lan = await makeUser(acc.kp, { src: ['10.0.0.0/8', '::1/128'] });
  const r = rejected(decide(trust, lan, lookup(acc, trust)), 'Bad src Ip 127.0.0.1');
  assert.equal(r.log.level, 'error');
  accepted(decide(trust, lan, lookup(acc, trust), { clientHost: '10.1.2.3' }));
  accepted(decide(trust, lan, lookup(acc, trust), { clientHost: '::1' }));

  const pinnedTrust = buildTrust({ operators: trust.operators, pinnedAccounts: [createAccount().getPublicKey()] });
  const pr = rejected(decide(pinnedTrust, await makeUser(acc.kp), lookup(acc, pinnedTrust)), `Account ${acc.pub} not listed as operator pinned account`);
  assert.equal(pr.pinnedAccountFailure, true);
  const pinnedOk = buildTrust({ operators: trust.operators, pinnedAccounts: [acc.pub] });
  accepted(decide(pinnedOk, await makeUser(acc.kp), lookup(acc, pinnedOk)));
});

test('connect time windows, in the user time zone, with the time left as expiry', () => {
  const times = [{ start: '08:00:00', end: '17:00:00' }];
  const at = (iso: string) => Date.parse(iso);
  assert.deepEqual(connectTimesAllowed(times, 'UTC', at('2024-03-01T09:00:00Z')), { allowed: true, validForMs: 8 * 3600_000 });
  assert.equal(connectTimesAllowed(times, 'UTC', at('2024-03-01T18:00:00Z')).allowed, false);
  // 13:00 UTC is 08:00 in New York in March before DST (UTC-5): just at the start → not yet (strictly after).
  assert.equal(connectTimesAllowed(times, 'America/New_York', at('2024-03-01T13:00:00Z')).allowed, false);
  assert.equal(connectTimesAllowed(times, 'America/New_York', at('2024-03-01T13:00:01Z')).allowed, true);
  // Overnight window: evening part today works; after midnight only today's start counts (nats-server quirk).
  const night = [{ start: '22:00:00', end: '06:00:00' }];
  assert.deepEqual(connectTimesAllowed(night, 'UTC', at('2024-03-01T23:00:00Z')), { allowed: true, validForMs: 7 * 3600_000 });
  assert.equal(connectTimesAllowed(night, 'UTC', at('2024-03-02T03:00:00Z')).allowed, false);
  assert.equal(connectTimesAllowed(undefined, '', 0).allowed, true);
});

test('time windows and JWT expiry set the expiry timer; outside the window is refused', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp);
  const now = Date.parse('2024-03-01T09:00:00Z');
  const u = await makeUser(acc.kp, { times: [{ start: '08:00:00', end: '10:00:00' }], times_location: 'UTC' } as never);
  const d = accepted(decide(trust, u, lookup(acc, trust), { now }));
  assert.equal(d.expiresInMs, 3600_000);
  rejected(decide(trust, u, lookup(acc, trust), { now: now + 2 * 3600_000 }), 'Outside connect times');
  const soon = await makeUser(acc.kp, {}, { exp: nowSec() + 30 });
  const e = accepted(decide(trust, soon, lookup(acc, trust)));
  assert.ok(e.expiresInMs! > 25_000 && e.expiresInMs! <= 30_000, String(e.expiresInMs));
});

test('scoped signing keys: templates expand, the user must be empty, bad expansions fail', async () => {
  const { op, trust } = await setup();
  const sk = createAccount();
  const template = {
    pub: { allow: ['{{name()}}.>', '{{account-name()}}.{{tag(dept)}}', 'x.{{tag(none)}}'], deny: ['{{subject()}}'] },
    sub: { allow: ['{{account-subject()}}.{{account-tag(region)}}.*'] },
    subs: 5,
    payload: 100,
  };
  const acc = await makeAccount(
    op.kp,
    { signing_keys: [{ kind: 'user_scope', key: sk.getPublicKey(), role: 'dev', template } as never], tags: ['region:eu', 'region:us'] },
    { name: 'Sales' },
  );
  const u = await makeUser(acc.kp, { tags: ['dept:ops', 'dept:dev'] }, { signer: sk, scoped: true, name: 'bob' });
  const d = accepted(decide(trust, u, lookup(acc, trust)));
  assert.deepEqual(d.permissions?.publish, { allow: ['bob.>', 'Sales.ops', 'Sales.dev'], deny: [u.pub] });
  assert.deepEqual(d.permissions?.subscribe, { allow: [`${acc.pub}.eu.*`, `${acc.pub}.us.*`] });
  assert.deepEqual(d.limits, { maxPayload: 100, maxSubscriptions: 5, data: -1 });
  // A scoped user with anything set is refused.
  const nonEmpty = await makeUser(acc.kp, { pub: { allow: ['a'] } }, { signer: sk, scoped: true });
  rejected(decide(trust, nonEmpty, lookup(acc, trust)), 'User JWT is not valid: scoped users require no permissions or limits set');
  // A deny entry that expands to an invalid subject fails the user; an allow list emptied turns into deny >.
  const badDeny = await makeAccount(op.kp, { signing_keys: [{ kind: 'user_scope', key: sk.getPublicKey(), role: 'r', template: { pub: { deny: ['{{tag(nothing)}}'] } } } as never] }, { kp: acc.kp });
  rejected(decide(trust, u, lookup(badDeny, trust)), 'User JWT generated invalid permissions');
  const emptied = await makeAccount(op.kp, { signing_keys: [{ kind: 'user_scope', key: sk.getPublicKey(), role: 'r', template: { sub: { allow: ['{{nonsense()}}'] } } } as never] }, { kp: acc.kp });
  assert.deepEqual(accepted(decide(trust, u, lookup(emptied, trust))).permissions?.subscribe, { allow: [], deny: ['>'] });
});

test('limits: account connections, a subscription limit of 0, the lowest payload wins', async () => {
  const { op, trust } = await setup();
  const { UNLIMITED } = await import('./fixtures.test.js');
  const acc = await makeAccount(op.kp, { limits: { ...UNLIMITED, conn: 2, payload: 512 } });
  const u = await makeUser(acc.kp, { payload: 2048 });
  accepted(decide(trust, u, lookup(acc, trust, { activeConnections: 1 })));
  const full = decide(trust, u, lookup(acc, trust, { activeConnections: 2 }));
  assert.deepEqual(full, {
    ok: false,
    error: 'maximum account active connections exceeded',
    closeReason: 'Maximum Account Connections Exceeded',
    authErrorEvent: false,
    log: { level: 'error', message: 'maximum account active connections exceeded' },
  });
  assert.equal(accepted(decide(trust, u, lookup(acc, trust))).limits.maxPayload, 512);
  // Absent account limits: no connection at all.
  const none = await makeAccount(op.kp, { limits: {} });
  assert.equal((decide(trust, await makeUser(none.kp), lookup(none, trust)) as JwtConnectRejected).error, 'maximum account active connections exceeded');
  // A user without subs/payload (scoped-style zero) has a subscription limit of 0.
  const zeroSubs = await makeUser(acc.kp, { subs: 0 });
  assert.equal(accepted(decide(trust, zeroSubs, lookup(acc, trust))).subscriptionsAtLimit, true);
  // The server's max_payload overrides a larger user limit and is reported.
  const big = await makeAccount(op.kp);
  const d = authorizeJwtConnect(
    { jwt: u.jwt, sig: signNonce(u.kp, NONCE), nonce: NONCE, clientHost: '127.0.0.1', connectionType: 'STANDARD', now: Date.now() },
    { trust, server: { maxPayload: 1000, maxSubscriptions: 0 } },
    lookup(await makeAccount(op.kp, {}, { kp: acc.kp }), trust),
  ) as JwtConnectAccepted;
  assert.equal(d.limits.maxPayload, 1000);
  assert.deepEqual(d.notices, ['Max Payload set to 1000 from server overrides account or user config']);
  void big;
});

test('permissions: from the user, else the account defaults; resp gets defaults and closes publish', async () => {
  const { op, trust } = await setup();
  const acc = await makeAccount(op.kp, { default_permissions: { pub: { deny: ['secret.>'] } } });
  const plain = accepted(decide(trust, await makeUser(acc.kp), lookup(acc, trust)));
  assert.deepEqual(plain.permissions, { publish: { deny: ['secret.>'] } });
  const resp = accepted(decide(trust, await makeUser(acc.kp, { sub: { allow: ['req'] }, resp: { max: 0, ttl: 5_000_000_000 } }), lookup(acc, trust)));
  assert.deepEqual(resp.permissions, { subscribe: { allow: ['req'] }, publish: { allow: [] }, allowResponses: { maxMsgs: 1, expires: 5000 } });
});

test('after an account update: revoked, bearer disallowed, removed signing key', async () => {
  const { op, trust } = await setup();
  const sk = createAccount();
  const kp = createAccount();
  const acc = await makeAccount(op.kp, { signing_keys: [sk.getPublicKey()] }, { kp });
  const u = await makeUser(kp, {}, { signer: sk });
  const d = accepted(decide(trust, u, lookup(acc, trust)));
  const def = (a: Acc): JwtAccount => accountFromClaims(decodeAccountJwt(a.jwt), trust);
  assert.equal(recheckConnectedUser(d.user, u.jwt, def(acc)), undefined);
  assert.equal(recheckConnectedUser(d.user, u.jwt, def(await makeAccount(op.kp, { signing_keys: [sk.getPublicKey()], revocations: { [u.pub]: nowSec() + 5 } }, { kp }))), 'revoked');
  assert.equal(recheckConnectedUser(d.user, u.jwt, def(await makeAccount(op.kp, {}, { kp }))), 'signer-removed');
});
