import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount } from '@nats-io/nkeys';
import { AccountSchema } from '@switchboard/shared';
import { accountFromClaims, checkImportAuthorized, toConfigAccount } from './account.js';
import { decodeAccountJwt, decodeOperatorJwt } from './claims.js';
import { buildTrust } from './trust.js';
import { makeAccount, makeActivation, makeOperator, nowSec, UNLIMITED } from './fixtures.test.js';

test('account claims become the broker definition: limits, exports, imports (both import styles), mappings', async () => {
  const op = await makeOperator();
  const trust = buildTrust({ operators: [decodeOperatorJwt(op.jwt)] });
  const exp = createAccount().getPublicKey();
  const sk = createAccount().getPublicKey();
  const acc = await makeAccount(op.kp, {
    limits: { ...UNLIMITED, conn: 3, subs: 10, payload: 100, leaf: 0 },
    signing_keys: [sk],
    exports: [
      { name: 'svc', subject: 'svc.>', type: 'service', response_type: 'Stream', response_threshold: 2_000_000_000, service_latency: { sampling: 'headers' as never, results: 'lat' } },
      { name: 'ev', subject: 'ev.*', type: 'stream', token_req: true, revocations: { X: 1 } },
      { name: 'pos', subject: 'p.*.x', type: 'stream', account_token_position: 2 },
    ],
    imports: [
      { name: 'a', subject: 'in.>', account: exp, type: 'stream' },
      { name: 'b', subject: 'pre', account: exp, type: 'stream', to: 'local' },
      { name: 'c', subject: 'm.*', account: exp, type: 'stream', local_subject: 'mine.$1' },
      { name: 'd', subject: 'ask', account: exp, type: 'service', to: 'remote.ask' },
      { name: 'e', subject: 'q.*', account: exp, type: 'service', local_subject: 'myq.*', share: true },
    ],
    revocations: { U1: 5 },
    default_permissions: { sub: { deny: ['x'] } },
    mappings: { 'a.b': [{ subject: 'c.d', weight: 50 }] },
  } as never);
  const def = accountFromClaims(decodeAccountJwt(acc.jwt), trust);
  assert.deepEqual(def.limits, { maxConnections: 3, maxLeafnodes: 0, maxSubscriptions: 10, maxPayload: 100, maxData: -1, maxImports: -1, maxExports: -1, wildcardExports: true, disallowBearer: false });
  assert.deepEqual([...def.signingKeys.keys()].sort(), [sk, acc.pub].sort());
  assert.deepEqual(def.exports[0], {
    kind: 'service',
    subject: 'svc.>',
    name: 'svc',
    tokenRequired: false,
    revocations: {},
    responseType: 'stream',
    responseThreshold: 2000,
    latency: { sampling: 'headers', subject: 'lat' },
  });
  assert.equal(def.exports[1]!.tokenRequired, true);
  assert.deepEqual(def.exports[1]!.revocations, { X: 1 });
  assert.equal(def.exports[2]!.accountTokenPosition, 2);
  const im = def.imports.map(({ kind, remoteSubject, localSubject, prefix }) => ({ kind, remoteSubject, localSubject, ...(prefix ? { prefix } : {}) }));
  assert.deepEqual(im, [
    { kind: 'stream', remoteSubject: 'in.>', localSubject: 'in.>' },
    { kind: 'stream', remoteSubject: 'pre', localSubject: 'local.pre', prefix: 'local' },
    { kind: 'stream', remoteSubject: 'm.*', localSubject: 'mine.$1' },
    { kind: 'service', remoteSubject: 'remote.ask', localSubject: 'ask' },
    { kind: 'service', remoteSubject: 'q.*', localSubject: 'myq.*' },
  ]);
  assert.equal(def.imports[4]!.share, true);
  assert.deepEqual(def.revocations, { U1: 5 });
  assert.deepEqual(def.defaultPermissions, { subscribe: { deny: ['x'] } });
  assert.deepEqual(def.mappings, { 'a.b': [{ destination: 'c.d', weight: 50 }] });
  // The configured-account shape validates against the shared model.
  const cfg = toConfigAccount(def);
  assert.equal(AccountSchema.safeParse(cfg).success, true, JSON.stringify(AccountSchema.safeParse(cfg)));
  assert.deepEqual(cfg.imports?.[1], { stream: { account: exp, subject: 'pre' }, prefix: 'local' });
  assert.deepEqual(cfg.imports?.[3], { service: { account: exp, subject: 'remote.ask' }, to: 'ask' });
  assert.deepEqual(cfg.exports?.[1], { stream: 'ev.*', accounts: [] });
});

test('import authorization: public, token required (valid, missing, revoked, expired, foreign signer), account token position', async () => {
  const op = await makeOperator();
  const trust = buildTrust({ operators: [decodeOperatorJwt(op.jwt)] });
  const importer = createAccount();
  const exporterKp = createAccount();
  const esk = createAccount();
  const now = nowSec();
  const mkExporter = async (revocations: Record<string, number> = {}) =>
    accountFromClaims(
      decodeAccountJwt(
        (
          await makeAccount(
            op.kp,
            {
              signing_keys: [esk.getPublicKey()],
              exports: [
                { name: 'pub', subject: 'pub.>', type: 'stream' },
                { name: 'tok', subject: 'tok.>', type: 'stream', token_req: true, revocations },
                { name: 'svc', subject: 'svc.*', type: 'service', token_req: true },
                { name: 'pos', subject: 'acct.*', type: 'service', account_token_position: 2 },
              ],
            },
            { kp: exporterKp },
          )
        ).jwt,
      ),
      trust,
    );
  const exporter = await mkExporter();
  const importDef = async (imports: object[]) => accountFromClaims(decodeAccountJwt((await makeAccount(op.kp, { imports } as never, { kp: importer })).jwt), trust).imports[0]!;
  const ex = exporterKp.getPublicKey();
  const check = async (imp: object, e = exporter) => checkImportAuthorized(e, importer.getPublicKey(), await importDef([imp]));

  assert.deepEqual(await check({ name: 'p', subject: 'pub.a', account: ex, type: 'stream' }), { ok: true });
  assert.equal((await check({ name: 'p', subject: 'other', account: ex, type: 'stream' })).ok, false);
  assert.equal((await check({ name: 'p', subject: 'pub.a', account: ex, type: 'service' })).ok, false, 'kinds do not mix');
  assert.deepEqual(await check({ name: 't', subject: 'tok.a', account: ex, type: 'stream' }), { ok: false, reason: 'activation token required' });
  const token = await makeActivation(exporterKp, importer.getPublicKey(), 'stream', 'tok.>');
  assert.deepEqual(await check({ name: 't', subject: 'tok.a', account: ex, type: 'stream', token }), { ok: true });
  const viaSk = await makeActivation(exporterKp, importer.getPublicKey(), 'stream', 'tok.>', { signer: esk });
  assert.deepEqual(await check({ name: 't', subject: 'tok.a', account: ex, type: 'stream', token: viaSk }), { ok: true });
  const foreign = await makeActivation(exporterKp, importer.getPublicKey(), 'stream', 'tok.>', { signer: createAccount() });
  assert.equal((await check({ name: 't', subject: 'tok.a', account: ex, type: 'stream', token: foreign })).ok, false);
  const expiring = await makeActivation(exporterKp, importer.getPublicKey(), 'service', 'svc.*', { exp: now + 100 });
  assert.deepEqual(await check({ name: 's', subject: 'svc.x', account: ex, type: 'service', token: expiring }), { ok: true, expiresAt: now + 100 });
  const expired = await makeActivation(exporterKp, importer.getPublicKey(), 'service', 'svc.*', { exp: now - 1 });
  assert.equal((await check({ name: 's', subject: 'svc.x', account: ex, type: 'service', token: expired })).ok, false);
  const revokedExporter = await mkExporter({ [importer.getPublicKey()]: now + 10 });
  assert.deepEqual(await check({ name: 't', subject: 'tok.a', account: ex, type: 'stream', token }, revokedExporter), { ok: false, reason: 'activation token revoked' });
  assert.deepEqual(await check({ name: 'a', subject: `acct.${importer.getPublicKey()}`, account: ex, type: 'service' }), { ok: true });
  assert.equal((await check({ name: 'a', subject: `acct.${ex}`, account: ex, type: 'service' })).ok, false);
});
