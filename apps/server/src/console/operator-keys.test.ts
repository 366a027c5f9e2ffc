/*
 * The operator page's key work through the admin API, on an embedded Switchboard in operator
 * mode (full resolver, allow_delete) with real `nats` clients: an activation token for a private
 * export, imported by another account, carries messages; a user issued with a scoped signing
 * key gets the scope's permissions (templates expanded); user source networks, time windows,
 * response permission, tags and connection types; operator and account signing keys; account
 * deletion on $SYS.REQ.CLAIMS.DELETE, and where the resolver does not allow it, refusal or a
 * revocation of every user. The same JWTs then run on nats-server 2.9.10 with the same outcomes.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import type { LightMyRequestResponse } from 'fastify';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { natsServerAvailable, startProcess, waitFor } from '../../../../test/helpers/servers.js';
import { checkScenario, type Scenario } from '../../../../test/helpers/operator-scenario.js';

const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;
const text = (kp: { getSeed(): Uint8Array }) => new TextDecoder().decode(kp.getSeed());
const LIMITS = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

async function fixture(resolver: string, withSigningKey = false) {
  const op = createOperator();
  const sk = createOperator();
  const sys = createAccount();
  const opJwt = await encodeOperator('OP', op, { system_account: sys.getPublicKey(), ...(withSigningKey ? { signing_keys: [sk.getPublicKey()] } : {}) });
  const sysJwt = await encodeAccount('SYS', sys, { limits: LIMITS } as never, { signer: op });
  const conf = `operator: "${opJwt}"\nsystem_account: ${sys.getPublicKey()}\n${resolver}\nresolver_preload: {\n  ${sys.getPublicKey()}: "${sysJwt}"\n}\n`;
  return { op, sk, sys, opJwt, sysJwt, conf };
}

type Console = Awaited<ReturnType<typeof startConsole>>;
async function adminApi(c: Console) {
  const cookie = await login(c.app, 'admin', 'secret');
  return async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    c.app.inject({ method, url, headers: { ...ORIGIN, cookie }, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

const open = (url: string, creds: string) => connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });

function expectField(r: LightMyRequestResponse, path: string, re?: RegExp): void {
  assert.equal(r.statusCode, 400, r.body);
  const issue = json(r).issues.find((i: { path: string }) => i.path === path);
  assert.ok(issue, `no issue for ${path}: ${r.body}`);
  if (re) assert.match(issue.message, re);
}

describe('operator API: activation tokens, scoped keys, user fields, signing keys, delete (full resolver, allow_delete)', () => {
  let c: Console;
  let fx: Awaited<ReturnType<typeof fixture>>;
  let api: Awaited<ReturnType<typeof adminApi>>;
  let jwtDir = '';
  const scenario = {} as Scenario;
  let exp = '';
  let imp = '';
  before(async () => {
    fx = await fixture('RESOLVER', true);
    jwtDir = mkdtempSync(join(tmpdir(), 'console-opkeys-'));
    c = await startConsole(fx.conf.replace('RESOLVER', `resolver: { type: full, dir: "${jwtDir}", allow_delete: true }`));
    api = await adminApi(c);
    assert.equal((await api('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true })).statusCode, 200);
  });
  after(async () => {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
    rmSync(jwtDir, { recursive: true, force: true });
  });

  test('an activation token for a private export: issued by the exporter, checked field by field, imported', async () => {
    const e = await api('POST', '/api/operator/accounts', { name: 'EXP', storeSeed: true, exports: [{ type: 'stream', subject: 'private.>', tokenReq: true }, { type: 'stream', subject: 'public.>' }] });
    assert.equal(e.statusCode, 201, e.body);
    exp = json(e).account.publicKey;
    const i = await api('POST', '/api/operator/accounts', { name: 'IMP', storeSeed: true });
    imp = json(i).account.publicKey;
    assert.equal(json(i).push.ok, true, json(i).push.message);

    expectField(await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: exp, subject: 'private.>' }), 'body.importer');
    expectField(await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: imp, subject: 'other.>' }), 'body.subject', /exports nothing/);
    expectField(await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: imp, subject: 'public.>' }), 'body.subject', /public/);
    expectField(await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: 'nope', subject: 'private.>' }), 'body.importer');

    const a = await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: imp, subject: 'private.>', expiresInDays: 30 });
    assert.equal(a.statusCode, 201, a.body);
    const act = json(a);
    assert.equal(act.kind, 'stream');
    assert.ok(act.expiresAt);
    const payload = JSON.parse(Buffer.from(act.token.split('.')[1], 'base64url').toString());
    assert.equal(payload.sub, imp);
    assert.equal(payload.iss, exp);
    assert.equal(payload.nats.subject, 'private.>');
    assert.equal(payload.nats.type, 'activation');

    // A token for another account, or a subject it does not grant: 400 on the token field.
    const other = json(await api('POST', `/api/operator/accounts/${exp}/activations`, { importer: fx.sys.getPublicKey(), subject: 'private.>' })).token;
    expectField(await api('PUT', `/api/operator/accounts/${imp}`, { name: 'IMP', imports: [{ type: 'stream', account: exp, subject: 'private.>', token: other }] }), 'body.imports.0.token', /not for this account/);
    expectField(await api('PUT', `/api/operator/accounts/${imp}`, { name: 'IMP', imports: [{ type: 'service', account: exp, subject: 'private.>', token: act.token }] }), 'body.imports.0.token', /stream/);
    expectField(await api('PUT', `/api/operator/accounts/${imp}`, { name: 'IMP', imports: [{ type: 'stream', account: exp, subject: 'private.>', token: 'garbage' }] }), 'body.imports.0.token');

    const u = await api('PUT', `/api/operator/accounts/${imp}`, { name: 'IMP', imports: [{ type: 'stream', account: exp, subject: 'private.>', token: act.token }] });
    assert.equal(u.statusCode, 200, u.body);
    assert.equal(json(u).push.ok, true, json(u).push.message);
    assert.equal(json(u).account.imports[0].token, act.token);

    scenario.exporterCreds = json(await api('POST', `/api/operator/accounts/${exp}/users`, { name: 'pub' })).creds;
    scenario.importerCreds = json(await api('POST', `/api/operator/accounts/${imp}/users`, { name: 'sub' })).creds;
  });

  test('a scoped signing key: users it signs carry no permissions and get the template on connect', async () => {
    const bad = await api('POST', `/api/operator/accounts/${imp}/signing-keys`, { role: 'ops', template: { pubAllow: ['has space'] } });
    expectField(bad, 'body.template.pubAllow.0');
    const r = await api('POST', `/api/operator/accounts/${imp}/signing-keys`, { role: 'ops', template: { pubAllow: ['ops.{{name()}}.>', '_INBOX.>'], subAllow: ['ops.>', '_INBOX.>'], subs: 10 } });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(json(r).push.ok, true, json(r).push.message);
    assert.equal(json(r).seeds[0].kind, 'account signing key');
    const key = json(r).seeds[0].publicKey as string;
    const sk = json(r).account.signingKeys.find((k: { key: string }) => k.key === key);
    assert.equal(sk.role, 'ops');
    assert.deepEqual(sk.template.pubAllow, ['ops.{{name()}}.>', '_INBOX.>']);
    assert.equal(sk.seedStored, true);
    expectField(await api('POST', `/api/operator/accounts/${imp}/signing-keys`, { role: 'ops' }), 'body.role', /already/);

    // Permissions on a scoped user are refused, naming the field; nats-server would refuse the JWT.
    expectField(await api('POST', `/api/operator/accounts/${imp}/users`, { name: 'bob', signingKey: key, pubAllow: ['x'] }), 'body.pubAllow', /scope/);
    expectField(await api('POST', `/api/operator/accounts/${imp}/users`, { name: 'bob', signingKey: fx.sys.getPublicKey() }), 'body.signingKey');
    const issued = await api('POST', `/api/operator/accounts/${imp}/users`, { name: 'bob', signingKey: key, tags: ['team-a'] });
    assert.equal(issued.statusCode, 201, issued.body);
    const user = json(issued).user;
    assert.equal(user.scopedRole, 'ops');
    assert.equal(user.issuer, key);
    const payload = JSON.parse(Buffer.from(/\n(eyJ[^\n]+)\n/.exec(json(issued).creds)![1]!.split('.')[1]!, 'base64url').toString());
    assert.equal(payload.nats.issuer_account, imp);
    assert.equal(payload.nats.pub, undefined);
    assert.equal(payload.nats.subs, undefined);
    assert.deepEqual(payload.nats.tags, ['team-a']);
    scenario.scopedCreds = json(issued).creds;
    scenario.scopedName = 'bob';
    scenario.observerCreds = json(await api('POST', `/api/operator/accounts/${imp}/users`, { name: 'observer' })).creds;
  });

  test('user fields: src, times with a zone, resp, tags, connection types; each validated naming its field', async () => {
    const url = `/api/operator/accounts/${imp}/users`;
    expectField(await api('POST', url, { name: 'x', src: ['nope'] }), 'body.src.0', /CIDR/);
    expectField(await api('POST', url, { name: 'x', src: ['300.1.1.1/8'] }), 'body.src.0');
    expectField(await api('POST', url, { name: 'x', times: [{ start: '25:00:00', end: '10:00:00' }] }), 'body.times.0.start');
    expectField(await api('POST', url, { name: 'x', locale: 'Mars/Base' }), 'body.locale', /IANA/);
    expectField(await api('POST', url, { name: 'x', resp: { max: 0 } }), 'body.resp.max');
    expectField(await api('POST', url, { name: 'x', resp: { max: 1, ttl: 'soon' } }), 'body.resp.ttl');
    expectField(await api('POST', url, { name: 'x', connectionTypes: ['CARRIER_PIGEON'] }), 'body.connectionTypes.0');
    expectField(await api('POST', url, { name: 'x', tags: ['has space'] }), 'body.tags.0');

    const r = await api('POST', url, {
      name: 'fields',
      src: ['127.0.0.0/8', '::1/128'],
      times: [{ start: '00:00:00', end: '23:59:59' }],
      locale: 'UTC',
      resp: { max: 3, ttl: '1m30s' },
      tags: ['blue'],
      connectionTypes: ['STANDARD'],
      storeSeed: true,
    });
    assert.equal(r.statusCode, 201, r.body);
    const u = json(r).user;
    assert.deepEqual(u.limits.src, ['127.0.0.0/8', '::1/128']);
    assert.deepEqual(u.limits.times, [{ start: '00:00:00', end: '23:59:59' }]);
    assert.equal(u.limits.locale, 'UTC');
    assert.deepEqual(u.limits.resp, { max: 3, ttl: '1m30s' });
    assert.deepEqual(u.limits.connectionTypes, ['STANDARD']);
    assert.deepEqual(u.tags, ['blue']);
    const payload = JSON.parse(Buffer.from(/\n(eyJ[^\n]+)\n/.exec(json(r).creds)![1]!.split('.')[1]!, 'base64url').toString());
    // The Go jwt library's names, which nats-server reads.
    assert.equal(payload.nats.times_location, 'UTC');
    assert.deepEqual(payload.nats.resp, { max: 3, ttl: 90e9 });
    assert.deepEqual(payload.nats.allowed_connection_types, ['STANDARD']);
    scenario.fieldsCreds = json(r).creds;
    scenario.remoteOnlyCreds = json(await api('POST', url, { name: 'remote', src: ['10.99.0.0/16'] })).creds;
  });

  test('the scenario holds on Switchboard: import via token, scoped permissions, src', async () => {
    await checkScenario(`127.0.0.1:${c.server.port}`, scenario);
  });

  test('the same JWTs on nats-server 2.9.10 give the same outcomes', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
    const s = json(await api('GET', '/api/operator'));
    const dir = mkdtempSync(join(tmpdir(), 'ns-opkeys-'));
    const preload = s.accounts.map((a: { publicKey: string; jwt: string }) => `  ${a.publicKey}: "${a.jwt}"`).join('\n');
    const conf = join(dir, 'ns.conf');
    writeFileSync(conf, `operator: "${s.operator.jwt}"\nsystem_account: ${fx.sys.getPublicKey()}\nresolver: MEMORY\nresolver_preload: {\n${preload}\n}\n`);
    const ns = await startProcess('nats-server', ['-c', conf]);
    try {
      await checkScenario(ns.url, scenario);
    } finally {
      await ns.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('operator signing keys: add one (not trusted until the server restarts), remove one: its accounts re-signed and pushed', async () => {
    // The fixture's signing key is trusted by the server; store it: accounts are signed with it from now on.
    const opState = json(await api('GET', '/api/operator')).operator;
    assert.deepEqual(opState.signers.map((k: { identity: boolean; trusted: boolean }) => [k.identity, k.trusted]), [[true, true], [false, true]]);
    const added = await api('POST', '/api/operator/signing-keys', { storeSeed: true });
    assert.equal(added.statusCode, 201, added.body);
    const newKey = json(added).seeds[0].publicKey as string;
    assert.match(json(added).seeds[0].seed, /^SO/);
    assert.equal(json(added).operator.serverJwtOutdated, true);
    assert.match(json(added).notice, /restart/);
    assert.equal(json(added).operator.signers.find((k: { key: string }) => k.key === newKey).trusted, false);
    // Accounts still go to the server signed by a key it trusts (the new one is preferred only once trusted).
    const acc = await api('POST', '/api/operator/accounts', { name: 'AFTER' });
    assert.equal(json(acc).push.ok, true, json(acc).push.message);
    assert.notEqual(json(acc).account.signedBy, newKey);

    const signedBy = json(acc).account.signedBy as string;
    assert.equal(signedBy, fx.op.getPublicKey());
    const removed = await api('DELETE', `/api/operator/signing-keys/${newKey}`, {});
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(json(removed).resigned, []);
    assert.equal(json(removed).operator.signingKeys.includes(newKey), false);
    expectField(await api('DELETE', `/api/operator/signing-keys/nope`, {}), 'params.key');

    // Store the trusted signing key's seed: a new account is signed by it; removing it re-signs that account with the identity.
    const sk = await api('POST', '/api/operator/accounts', { name: 'BYSK', operatorSeed: text(fx.sk) });
    assert.equal(json(sk).account.signedBy, fx.sk.getPublicKey());
    const rm = await api('DELETE', `/api/operator/signing-keys/${fx.sk.getPublicKey()}`, {});
    assert.equal(rm.statusCode, 200, rm.body);
    assert.deepEqual(json(rm).resigned.map((x: { name: string; push: { ok: boolean } }) => [x.name, x.push.ok]), [['BYSK', true]]);
    const after = json(await api('GET', '/api/operator')).accounts.find((a: { name: string }) => a.name === 'BYSK');
    assert.equal(after.signedBy, fx.op.getPublicKey());
    assert.equal(after.onServer, true);
  });

  test('delete an account: $SYS.REQ.CLAIMS.DELETE removes it on the server (file renamed .deleted), its client is cut, the console forgets it', async () => {
    const sysDel = await api('DELETE', `/api/operator/accounts/${fx.sys.getPublicKey()}`, {});
    assert.equal(sysDel.statusCode, 409);
    assert.equal(json(sysDel).code, 'OPERATOR_DELETE_NOT_ALLOWED');
    expectField(await api('DELETE', `/api/operator/accounts/${exp}`, { server: 'burn' }), 'body.server');

    const nc = await open(`127.0.0.1:${c.server.port}`, scenario.exporterCreds);
    const closed = nc.closed();
    const r = await api('DELETE', `/api/operator/accounts/${exp}`, {});
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(json(r).server.via, 'claims-delete');
    assert.equal(json(r).server.ok, true, json(r).server.message);
    assert.match(json(r).server.message, /deleted 1 accounts/);
    await waitFor(() => existsSync(join(jwtDir, `${exp}.jwt.deleted`)), 10_000, 'the .deleted file');
    const gone = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 15_000))]);
    assert.notEqual(gone, 'still open');
    const s = json(await api('GET', '/api/operator'));
    assert.equal(s.accounts.some((a: { publicKey: string }) => a.publicKey === exp), false);
    assert.equal(readdirSync(jwtDir).includes(`${exp}.jwt`), false);
    const audit = json(await api('GET', '/api/audit?action=operator.*')).entries.map((e: { action: string }) => e.action);
    for (const a of ['operator.activation.issue', 'operator.account.signing-key.add', 'operator.signing-key.add', 'operator.signing-key.remove', 'operator.account.delete']) assert.ok(audit.includes(a), a);
  });
});

describe('operator API: deleting where the resolver does not allow it', () => {
  test('full resolver without allow_delete: refused, saying so; "revoke-users" cuts its users and forgets it; "keep" only forgets', async () => {
    const fx = await fixture('RESOLVER');
    const jwtDir = mkdtempSync(join(tmpdir(), 'console-nodel-'));
    const c = await startConsole(fx.conf.replace('RESOLVER', `resolver: { type: full, dir: "${jwtDir}", allow_delete: false }`));
    let nc: NatsConnection | undefined;
    try {
      const api = await adminApi(c);
      await api('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true });
      const s = json(await api('GET', '/api/operator'));
      assert.equal(s.server.resolver.deletable, false);
      assert.match(s.server.resolver.deleteHow, /allow_delete/);
      const acc = json(await api('POST', '/api/operator/accounts', { name: 'GONE', storeSeed: true })).account.publicKey as string;
      const creds = json(await api('POST', `/api/operator/accounts/${acc}/users`, { name: 'u' })).creds as string;
      nc = await open(`127.0.0.1:${c.server.port}`, creds);
      const refused = await api('DELETE', `/api/operator/accounts/${acc}`, { server: 'delete' });
      assert.equal(refused.statusCode, 409);
      assert.match(json(refused).message, /allow_delete: false/);
      assert.match(json(refused).message, /revoke-users/);
      assert.ok(json(await api('GET', '/api/operator')).accounts.some((a: { publicKey: string }) => a.publicKey === acc), 'nothing changed');

      const closed = nc.closed();
      const r = await api('DELETE', `/api/operator/accounts/${acc}`, { server: 'revoke-users' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(json(r).server.via, 'claims-update');
      const err = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 15_000))]);
      assert.match(String(err), /revoked/i);
      await assert.rejects(open(`127.0.0.1:${c.server.port}`, creds), /Authorization Violation/i);
      assert.equal(json(await api('GET', '/api/operator')).accounts.some((a: { publicKey: string }) => a.publicKey === acc), false);

      const keep = json(await api('POST', '/api/operator/accounts', { name: 'KEPT' })).account.publicKey as string;
      const k = await api('DELETE', `/api/operator/accounts/${keep}`, { server: 'keep' });
      assert.equal(json(k).server.via, 'none');
      assert.ok(json(await api('GET', '/api/operator')).server.accounts.some((a: { publicKey: string; managed: boolean }) => a.publicKey === keep && !a.managed));
    } finally {
      if (nc && !nc.isClosed()) await nc.close();
      await c.app.close();
      rmSync(c.dir, { recursive: true, force: true });
      rmSync(jwtDir, { recursive: true, force: true });
    }
  });
});
