import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Algorithms, encode, encodeGeneric } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { decodeAccountJwt, decodeActivationJwt, decodeGenericJwt, decodeJwt, decodeOperatorJwt, decodeUserJwt, JwtDecodeError } from './claims.js';
import { validateAccountClaims, validateActivationClaims, validateOperatorClaims, validateUserClaims, ValidationResults } from './validate.js';
import { makeAccount, makeActivation, makeOperator, makeUser, nowSec, UNLIMITED } from './fixtures.test.js';

test('decodes the four claim kinds made by @nats-io/jwt, with Go zero values for what is absent', async () => {
  const op = await makeOperator({ system_account: createAccount().getPublicKey(), strict_signing_key_usage: true, account_server_url: 'http://x/jwt/v1' });
  const o = decodeOperatorJwt(op.jwt);
  assert.equal(o.kind, 'operator');
  assert.equal(o.version, 2);
  assert.equal(o.sub, op.pub);
  assert.equal(o.iss, op.pub);
  assert.deepEqual(o.nats.signingKeys, [op.sk.getPublicKey()]);
  assert.equal(o.nats.strictSigningKeyUsage, true);
  assert.equal(o.nats.accountServerUrl, 'http://x/jwt/v1');

  const acc = await makeAccount(op.sk, { exports: [{ name: 's', subject: 'a.>', type: 'stream', token_req: true, revocations: { X: 5 } }] }, { name: 'ACC' });
  const a = decodeAccountJwt(acc.jwt);
  assert.equal(a.name, 'ACC');
  assert.equal(a.iss, op.sk.getPublicKey());
  assert.equal(a.nats.limits.conn, -1);
  assert.equal(a.nats.exports[0]!.tokenReq, true);
  assert.deepEqual(a.nats.exports[0]!.revocations, { X: 5 });
  assert.equal(a.nats.imports.length, 0);
  // An account JWT without limits has them all at 0 (nothing allowed), as Go decodes it.
  const bare = decodeAccountJwt((await makeAccount(op.kp, { limits: {} })).jwt);
  assert.equal(bare.nats.limits.conn, 0);
  assert.equal(bare.nats.limits.subs, 0);

  const u = await makeUser(acc.kp, { pub: { allow: ['a'] }, src: ['10.0.0.0/8'], tags: ['t:1'] });
  const uc = decodeUserJwt(u.jwt);
  assert.equal(uc.nats.subs, -1, 'encodeUser defaults limits to -1');
  assert.deepEqual(uc.nats.pub.allow, ['a']);
  assert.equal(uc.nats.pub.deny, undefined);
  assert.deepEqual(uc.nats.src, ['10.0.0.0/8']);
  assert.deepEqual(uc.nats.tags, ['t:1']);
  assert.equal(uc.nats.emptyPermissions, false);
  assert.equal(uc.nats.issuerAccount, '');

  const act = await makeActivation(acc.kp, createAccount().getPublicKey(), 'service', 'svc.>');
  const ac = decodeActivationJwt(act);
  assert.equal(ac.nats.kind, 'service');
  assert.equal(ac.nats.subject, 'svc.>');
});

test('scoped users: an empty claim is recognised, a user with anything set is not', async () => {
  const acc = createAccount();
  const sk = createAccount();
  const scoped = decodeUserJwt((await makeUser(acc, {}, { signer: sk, scoped: true })).jwt);
  assert.equal(scoped.nats.emptyPermissions, true);
  assert.equal(scoped.nats.issuerAccount, acc.getPublicKey());
  assert.equal(scoped.nats.subs, 0);
  const withList = decodeUserJwt((await makeUser(acc, { src: [] }, { signer: sk, scoped: true })).jwt);
  assert.equal(withList.nats.emptyPermissions, false, 'an empty but present list counts (Go DeepEqual)');
  const unlimited = decodeUserJwt((await makeUser(acc, {}, { signer: sk })).jwt);
  assert.equal(unlimited.nats.emptyPermissions, false, 'limits of -1 count');
});

test('v1 JWTs: signature over the payload, top-level type, NoLimit defaults for users', async () => {
  const op = await makeOperator({}, { v1: true });
  const o = decodeJwt(op.jwt);
  assert.equal(o.kind, 'operator');
  assert.equal(o.version, 1);
  const acc = await makeAccount(op.kp, {}, { v1: true });
  assert.equal(decodeAccountJwt(acc.jwt).version, 1);
  const u = await makeUser(acc.kp, {}, { v1: true });
  const uc = decodeUserJwt(u.jwt);
  assert.equal(uc.version, 1);
  assert.equal(uc.nats.payload, -1);
});

test('refuses tampered, mis-signed and malformed tokens with the Go library messages', async () => {
  const op = await makeOperator();
  const [h, p, s] = op.jwt.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.name = 'EVIL';
  const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  assert.throws(() => decodeJwt(tampered), /claim failed V2 signature verification/);
  assert.throws(() => decodeJwt('a.b'), /expected 3 chunks/);
  assert.throws(() => decodeJwt(`${h}.${p}=.${s}`), JwtDecodeError);
  assert.throws(() => decodeJwt(`${Buffer.from('{"typ":"XYZ","alg":"ed25519-nkey"}').toString('base64url')}.${p}.${s}`), /not supported type "XYZ"/);
  assert.throws(() => decodeJwt(`${Buffer.from('{"typ":"JWT","alg":"HS256"}').toString('base64url')}.${p}.${s}`), /unexpected "HS256" algorithm/);
  // A user claim signed by an operator key: the signature is fine, the issuer kind is not.
  const okp = createOperator();
  const bad = await encode(Algorithms.v2, { sub: createUser().getPublicKey(), name: 'u', nats: { type: 'user', version: 2 } } as never, okp);
  assert.throws(() => decodeUserJwt(bad), /unable to validate expected prefixes - \[account\]/);
  // Decoding as the wrong kind.
  assert.throws(() => decodeUserJwt(op.jwt), /not user claim/);
  // Wrong JSON types are refused like Go's json.Unmarshal.
  const badType = await encode(Algorithms.v2, { sub: okp.getPublicKey(), name: 'o', exp: 'soon', nats: { type: 'operator', version: 2 } } as never, okp);
  assert.throws(() => decodeJwt(badType), /cannot unmarshal string/);
});

test('generic claims follow the header algorithm; typed decoding of unknown kinds uses v1 signatures as Go does', async () => {
  const okp = createOperator();
  const g = await encodeGeneric('del', okp, 'generic', { accounts: ['A'] });
  const gc = decodeGenericJwt(g);
  assert.deepEqual(gc.nats.accounts, ['A']);
  assert.throws(() => decodeJwt(g), /claim failed V1 signature verification/);
});

test('time checks: expired and not-yet-valid claims, no leeway', async () => {
  const op = await makeOperator();
  const acc = await makeAccount(op.kp);
  const now = nowSec();
  const expired = decodeUserJwt((await makeUser(acc.kp, {}, { exp: now - 1 })).jwt);
  const vr = validateUserClaims(expired, now * 1000);
  assert.equal(vr.isBlocking(false), false);
  assert.equal(vr.isBlocking(true), true);
  assert.deepEqual(vr.issues.map((i) => i.description), ['claim is expired']);
  assert.equal(validateUserClaims(expired, (now - 1) * 1000).isBlocking(true), false, 'valid through its exp second');
  const future = decodeUserJwt((await makeUser(acc.kp, {}, { nbf: now + 60 })).jwt);
  assert.deepEqual(validateUserClaims(future).issues.map((i) => i.description), ['claim is not yet valid']);
});

test('user validation: permissions, src, times and time zone', async () => {
  const acc = createAccount();
  const u = decodeUserJwt(
    (
      await makeUser(acc, {
        pub: { allow: ['a b'] },
        sub: { allow: ['q grp', 'x y z'] },
        src: ['10.0.0.0/8', 'bogus'],
        times: [{ start: '25:00:00', end: '' }],
        times_location: 'Mars/Base',
      } as never)
    ).jwt,
  );
  const errs = validateUserClaims(u).errors();
  assert.ok(errs.includes('Permission Subject "a b" is not allowed to contain queue'));
  assert.ok(errs.includes('Permission Subject "x y z" contains too many spaces'));
  assert.ok(!errs.some((e) => e.includes('q grp')), 'a queue is allowed in sub permissions');
  assert.ok(errs.includes('invalid cidr "bogus" in user src limits'));
  assert.ok(errs.includes('start in time range is invalid "25:00:00"'));
  assert.ok(errs.includes('time ranges end must contain an end'));
  assert.ok(errs.some((e) => e.startsWith('could not parse iana time zone by name')));
});

test('account validation: limits on imports/exports/wildcards as jwt v2.3.0 counts them', async () => {
  const op = await makeOperator();
  const other = createAccount().getPublicKey();
  // No limits at all: imports and exports exceed a limit of 0, wildcard exports are refused.
  const noLimits = decodeAccountJwt(
    (
      await makeAccount(op.kp, {
        limits: {},
        exports: [{ name: 'e', subject: 'a.*', type: 'stream' }],
        imports: [{ name: 'i', subject: 'b', account: other, type: 'stream' }],
      })
    ).jwt,
  );
  const errs = validateAccountClaims(noLimits).errors();
  assert.ok(errs.includes('the account contains more imports than allowed by the operator'));
  assert.ok(errs.includes('the account contains more exports than allowed by the operator'));
  assert.ok(errs.includes('the account contains wildcard exports that are not allowed by the operator'));
  const fine = decodeAccountJwt(
    (await makeAccount(op.kp, { exports: [{ name: 'e', subject: 'a.*', type: 'stream' }], imports: [{ name: 'i', subject: 'b', account: other, type: 'stream' }] })).jwt,
  );
  assert.deepEqual(validateAccountClaims(fine).errors(), []);
  // Overlapping exports and bad account token positions.
  const overlap = decodeAccountJwt(
    (
      await makeAccount(op.kp, {
        exports: [
          { name: 'a', subject: 'x.>', type: 'service' },
          { name: 'b', subject: 'x.y', type: 'service' },
          { name: 'c', subject: 'p.q', type: 'stream', account_token_position: 2 },
        ],
      })
    ).jwt,
  );
  const oe = validateAccountClaims(overlap).errors();
  assert.ok(oe.includes('service export subject "x.>" already exports "x.y"'));
  assert.ok(oe.includes('Account Token Position can only be used with wildcard subjects: p.q'));
});

test('import validation checks activation tokens against the import', async () => {
  const op = await makeOperator();
  const exporter = await makeAccount(op.kp);
  const importer = await makeAccount(op.kp);
  const third = createAccount().getPublicKey();
  const good = await makeActivation(exporter.kp, importer.pub, 'stream', 'a.>');
  const forOther = await makeActivation(exporter.kp, third, 'stream', 'a.>');
  const acc = decodeAccountJwt(
    (
      await makeAccount(op.kp, {
        imports: [
          { name: 'ok', subject: 'a.b', account: exporter.pub, type: 'stream', token: good },
          { name: 'other', subject: 'a.c', account: exporter.pub, type: 'stream', token: forOther },
          { name: 'kind', subject: 'a.d', account: exporter.pub, type: 'service', token: good },
          { name: 'garbage', subject: 'a.e', account: exporter.pub, type: 'stream', token: 'xyz' },
        ],
      }, { kp: importer.kp })
    ).jwt,
  );
  const errs = validateAccountClaims(acc).errors();
  assert.ok(errs.includes(`activation token doesn't match account it is being included in, "a.c"`));
  assert.ok(errs.includes('mismatch between token import type stream and type of import service'));
  assert.ok(errs.includes('import "a.e" contains an invalid activation token'));
  assert.ok(!errs.some((e) => e.includes('"a.b"')), 'the good import is fine');
  const act = decodeActivationJwt(good);
  const vr = new ValidationResults();
  validateActivationClaims(act, vr, true, Date.now());
  assert.equal(vr.isBlocking(true), false);
});

test('operator validation', async () => {
  const op = await makeOperator({ account_server_url: 'nohost', operator_service_urls: ['nats://h:4222', 'http://h', 'nats://u:p@h', 'nats://h/path'], system_account: 'NOPE', assert_server_version: '2.x.1' });
  const errs = validateOperatorClaims(decodeOperatorJwt(op.jwt)).errors();
  assert.ok(errs.includes('account server url "nohost" requires a protocol'));
  assert.ok(errs.includes(`operator service url "http://h" - protocol not supported (only 'nats' or 'tls' only)`));
  assert.ok(errs.includes('operator service url "nats://u:p@h" - credentials are not supported'));
  assert.ok(errs.includes('operator service url "nats://h/path" - paths are not supported'));
  assert.ok(!errs.some((e) => e.includes('nats://h:4222')));
  assert.ok(errs.includes('NOPE is not an account public key'));
  assert.ok(errs.includes('assert server version error: asserted server version cant parse x to int'));
  const ok = await makeOperator({ account_server_url: 'http://localhost:9090/jwt/v1' });
  assert.deepEqual(validateOperatorClaims(decodeOperatorJwt(ok.jwt)).errors(), []);
  void UNLIMITED;
});
