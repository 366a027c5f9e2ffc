/*
 * Activation tokens and their revocation through the admin API, on an embedded Switchboard in
 * operator mode (full resolver) with real `nats` clients: issued tokens are recorded and listed
 * per export (jti, iat, importer, never a seed); "revoke" enters the importer in the export's
 * `revocations`, re-signs and pushes the exporter, and the importer's live import stops; a token
 * issued afterwards works again; account edits keep the revocations; a revocation can be removed.
 * Strict signing key usage: settable on the operator, then accounts are signed by signing keys
 * only, with clear refusals. Bad bodies get a 400 naming the field; viewers get 403 on writes.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator, StringCodec, type NatsConnection } from 'nats';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import type { LightMyRequestResponse } from 'fastify';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { waitFor } from '../../../../test/helpers/servers.js';

const SEED_SHAPE = /S[OAU][A-Z2-7]{56}/;
const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;
const text = (kp: { getSeed(): Uint8Array }) => new TextDecoder().decode(kp.getSeed());
const LIMITS = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
const sc = StringCodec();

/** An operator with a signing key the server trusts, a system account signed by the operator's own key. */
async function fixture() {
  const op = createOperator();
  const sk = createOperator();
  const sys = createAccount();
  const opJwt = await encodeOperator('OP', op, { system_account: sys.getPublicKey(), signing_keys: [sk.getPublicKey()] });
  const sysJwt = await encodeAccount('SYS', sys, { limits: LIMITS } as never, { signer: op });
  const jwtDir = mkdtempSync(join(tmpdir(), 'console-opact-'));
  const conf = `operator: "${opJwt}"\nsystem_account: ${sys.getPublicKey()}\nresolver: { type: full, dir: "${jwtDir}" }\nresolver_preload: {\n  ${sys.getPublicKey()}: "${sysJwt}"\n}\n`;
  return { op, sk, sys, opJwt, conf, jwtDir };
}

type Console = Awaited<ReturnType<typeof startConsole>>;
type Call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

async function session(c: Console): Promise<{ admin: Call; viewer: Call }> {
  const admin = await login(c.app, 'admin', 'secret');
  c.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
  const viewer = await login(c.app, 'vic', 'viewerpw');
  const call = (cookie: string): Call => async (method, url, payload) =>
    c.app.inject({ method, url, headers: { ...ORIGIN, cookie }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { admin: call(admin), viewer: call(viewer) };
}

function expectField(r: LightMyRequestResponse, path: string, re?: RegExp): void {
  assert.equal(r.statusCode, 400, r.body);
  const issue = json(r).issues.find((i: { path: string }) => i.path === path);
  assert.ok(issue, `no issue for ${path}: ${r.body}`);
  if (re) assert.match(issue.message, re);
}

const open = (port: number, creds: string) => connect({ servers: `127.0.0.1:${port}`, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });

describe('operator API: activation tokens listed, revoked and restored (full resolver)', () => {
  let c: Console;
  let fx: Awaited<ReturnType<typeof fixture>>;
  let api: { admin: Call; viewer: Call };
  const clients: NatsConnection[] = [];
  let exp = '';
  let expSeed = '';
  let imp = '';
  let probe: () => Promise<boolean>;
  before(async () => {
    fx = await fixture();
    c = await startConsole(fx.conf);
    api = await session(c);
    assert.equal((await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true })).statusCode, 200);
  });
  after(async () => {
    await Promise.all(clients.map((nc) => nc.close().catch(() => undefined)));
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
    rmSync(fx.jwtDir, { recursive: true, force: true });
  });

  const settle = async (want: boolean, what: string) => {
    let last = !want;
    await waitFor(
      async () => {
        last = await probe();
        return last === want;
      },
      15_000,
      what,
    ).catch(() => undefined);
    assert.equal(last, want, what);
  };

  test('an issued token is recorded and listed with its export (jti, iat, importer); the import carries messages', async () => {
    const e = await api.admin('POST', '/api/operator/accounts', { name: 'EXP', storeSeed: true, exports: [{ type: 'stream', subject: 'private.>', tokenReq: true }, { type: 'stream', subject: 'public.>' }] });
    assert.equal(e.statusCode, 201, e.body);
    exp = json(e).account.publicKey;
    expSeed = json(e).seeds[0].seed;
    imp = json(await api.admin('POST', '/api/operator/accounts', { name: 'IMP', storeSeed: true })).account.publicKey;
    const a = await api.admin('POST', `/api/operator/accounts/${exp}/activations`, { importer: imp, subject: 'private.>' });
    assert.equal(a.statusCode, 201, a.body);
    const token = json(a).token as string;
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string; iat: number };
    assert.equal(json(a).jti, payload.jti);

    const list = await api.admin('GET', `/api/operator/accounts/${exp}/activations`);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      json(list).exports.map((x: { subject: string }) => x.subject),
      ['private.>'],
      'only the private export is listed',
    );
    const [rec] = json(list).exports[0].activations;
    assert.equal(rec.jti, payload.jti);
    assert.equal(rec.importer, imp);
    assert.equal(rec.subject, 'private.>');
    assert.equal(rec.kind, 'stream');
    assert.equal(rec.issuedAt, new Date(payload.iat * 1000).toISOString());
    assert.equal(rec.signedBy, exp);
    assert.equal(rec.revoked, false);
    assert.equal(rec.expired, false);
    assert.doesNotMatch(list.body, SEED_SHAPE);
    // The same in the account view, and viewers may read it (nothing secret).
    const viewerState = await api.viewer('GET', '/api/operator');
    const view = json(viewerState).accounts.find((x: { publicKey: string }) => x.publicKey === exp);
    assert.equal(view.exports[0].activations[0].jti, payload.jti);
    assert.equal((await api.viewer('GET', `/api/operator/accounts/${exp}/activations`)).statusCode, 200);

    const u = await api.admin('PUT', `/api/operator/accounts/${imp}`, {
      name: 'IMP',
      imports: [
        { type: 'stream', account: exp, subject: 'private.>', token },
        { type: 'stream', account: exp, subject: 'public.>' },
      ],
    });
    assert.equal(u.statusCode, 200, u.body);
    assert.equal(json(u).push.ok, true, json(u).push.message);
    const pubNc = await open(c.server.port, json(await api.admin('POST', `/api/operator/accounts/${exp}/users`, { name: 'pub' })).creds);
    const subNc = await open(c.server.port, json(await api.admin('POST', `/api/operator/accounts/${imp}/users`, { name: 'sub' })).creds);
    clients.push(pubNc, subNc);
    const priv = new Set<string>();
    const marks = new Set<string>();
    subNc.subscribe('private.>', { callback: (_e, m) => priv.add(sc.decode(m.data)) });
    subNc.subscribe('public.>', { callback: (_e, m) => marks.add(sc.decode(m.data)) });
    await subNc.flush();
    let seq = 0;
    probe = async () => {
      const n = String(++seq);
      pubNc.publish('private.x', sc.encode(n));
      pubNc.publish('public.mark', sc.encode(n));
      await pubNc.flush();
      await waitFor(() => marks.has(n), 10_000, `marker ${n}`);
      return priv.has(n);
    };
    await settle(true, 'the import delivers with the token');
  });

  test('revoke: bad bodies name the field, viewers are refused; the revocation is signed, pushed, and the live import stops', async () => {
    const url = `/api/operator/accounts/${exp}/export-revocations`;
    expectField(await api.admin('POST', url, { type: 'stream', subject: 'private.>', importer: 'nope' }), 'body.importer', /account key/);
    expectField(await api.admin('POST', url, { subject: 'private.>', importer: imp }), 'body.type');
    expectField(await api.admin('POST', url, { type: 'stream', subject: 'has space', importer: imp }), 'body.subject');
    expectField(await api.admin('POST', url, { type: 'stream', subject: 'other.>', importer: imp }), 'body.subject', /no stream export/);
    expectField(await api.admin('POST', url, { type: 'stream', subject: 'public.>', importer: imp }), 'body.subject', /public/);
    expectField(await api.admin('POST', url, { type: 'stream', subject: 'private.>', importer: imp, operatorSeed: 'SOnope' }), 'body.operatorSeed');
    for (const [m, body] of [
      ['POST', { type: 'stream', subject: 'private.>', importer: imp }],
      ['DELETE', { type: 'stream', subject: 'private.>', importer: imp }],
    ] as const) {
      const r = await api.viewer(m, url, body);
      assert.equal(r.statusCode, 403, `${m}: ${r.body}`);
      assert.match(json(r).message, /admin/);
    }
    assert.equal((await api.admin('POST', `/api/operator/accounts/${createAccount().getPublicKey()}/export-revocations`, { type: 'stream', subject: 'private.>', importer: imp })).statusCode, 404);

    const r = await api.admin('POST', url, { type: 'stream', subject: 'private.>', importer: imp });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(json(r).push.ok, true, json(r).push.message);
    const e = json(r).account.exports.find((x: { subject: string }) => x.subject === 'private.>');
    assert.deepEqual(e.revocations.map((x: { importer: string }) => x.importer), [imp]);
    assert.equal(e.activations[0].revoked, true);
    const natsExport = JSON.parse(Buffer.from(json(r).account.jwt.split('.')[1], 'base64url').toString()).nats.exports.find((x: { subject: string }) => x.subject === 'private.>');
    assert.equal(typeof natsExport.revocations[imp], 'number');
    await settle(false, 'the import stops once the revocation is pushed');
    // The client itself stays connected: only the import ended.
    assert.equal(clients[1]!.isClosed(), false);
  });

  test('a token issued after the revocation works again; an account edit keeps the revocation; removing it is possible once', async () => {
    const a = await api.admin('POST', `/api/operator/accounts/${exp}/activations`, { importer: imp, subject: 'private.>' });
    assert.equal(a.statusCode, 201, a.body);
    const list = json(await api.admin('GET', `/api/operator/accounts/${exp}/activations`)).exports[0].activations;
    assert.deepEqual(list.map((x: { revoked: boolean }) => x.revoked), [true, false]);
    const u = await api.admin('PUT', `/api/operator/accounts/${imp}`, {
      name: 'IMP',
      imports: [
        { type: 'stream', account: exp, subject: 'private.>', token: json(a).token },
        { type: 'stream', account: exp, subject: 'public.>' },
      ],
    });
    assert.equal(json(u).push.ok, true, json(u).push.message);
    await settle(true, 'the import delivers with the newer token');

    // Editing the exporter's form (which shows no revocations) keeps them in its JWT.
    const edit = await api.admin('PUT', `/api/operator/accounts/${exp}`, { name: 'EXP', exports: [{ type: 'stream', subject: 'private.>', tokenReq: true }, { type: 'stream', subject: 'public.>' }] });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.deepEqual(json(edit).account.exports[0].revocations.map((x: { importer: string }) => x.importer), [imp]);

    // `*`: every importer's tokens until now; then both revocations removed.
    const all = await api.admin('POST', `/api/operator/accounts/${exp}/export-revocations`, { type: 'stream', subject: 'private.>', importer: '*' });
    assert.equal(all.statusCode, 200, all.body);
    await settle(false, 'the import stops under *');
    for (const importer of ['*', imp]) {
      const d = await api.admin('DELETE', `/api/operator/accounts/${exp}/export-revocations`, { type: 'stream', subject: 'private.>', importer });
      assert.equal(d.statusCode, 200, d.body);
      assert.equal(json(d).push.ok, true, json(d).push.message);
    }
    const after = json(await api.admin('GET', `/api/operator/accounts/${exp}/activations`)).exports[0];
    assert.deepEqual(after.revocations, []);
    assert.deepEqual(after.activations.map((x: { revoked: boolean }) => x.revoked), [false, false]);
    await settle(true, 'the import delivers again without revocations');
    expectField(await api.admin('DELETE', `/api/operator/accounts/${exp}/export-revocations`, { type: 'stream', subject: 'private.>', importer: imp }), 'body.importer', /no revocation/);

    const audit = json(await api.admin('GET', '/api/audit?action=operator.*')).entries.map((e: { action: string }) => e.action);
    for (const x of ['operator.activation.issue', 'operator.activation.revoke', 'operator.activation.unrevoke']) assert.ok(audit.includes(x), x);
    // Nothing secret in the database's activation records.
    const dataDir = join(c.dir, 'data');
    for (const f of readdirSync(dataDir).filter((x) => x.startsWith('console.db'))) {
      const bytes = readFileSync(join(dataDir, f)).toString('latin1');
      assert.ok(!bytes.includes(expSeed), `${f} holds the exporting account's seed in clear`);
      assert.ok(!bytes.includes(text(fx.op)), `${f} holds the operator seed in clear`);
    }
  });
});

describe('operator API: strict signing key usage', () => {
  test('settable; accounts the operator key signed are re-signed with a signing key and pushed; strict signing refuses the operator key, clearly', async () => {
    const fx = await fixture();
    const c = await startConsole(fx.conf);
    try {
      const api = await session(c);
      // The operator's own seed only: no signing key seed to sign with under strict usage.
      assert.equal((await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true })).statusCode, 200);
      const a1 = json(await api.admin('POST', '/api/operator/accounts', { name: 'A1' })).account;
      assert.equal(a1.signedBy, fx.op.getPublicKey());
      expectField(await api.admin('PUT', '/api/operator/strict-signing', { strict: 'yes' }), 'body.strict');
      assert.equal((await api.viewer('PUT', '/api/operator/strict-signing', { strict: true })).statusCode, 403);
      const noSk = await api.admin('PUT', '/api/operator/strict-signing', { strict: true });
      assert.equal(noSk.statusCode, 422, noSk.body);
      assert.equal(json(noSk).code, 'OPERATOR_SIGNER_REQUIRED');
      assert.match(json(noSk).message, /no signing key seed/);
      assert.match(json(noSk).message, /A1/);

      // With the signing key's seed stored (an operator imported with it) and the identity seed given once.
      assert.equal((await api.admin('DELETE', '/api/operator')).statusCode, 200);
      assert.equal((await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.sk), storeSeed: true })).statusCode, 200);
      assert.equal((await api.admin('POST', '/api/operator/accounts/import', { jwt: a1.jwt })).statusCode, 200);
      expectField(await api.admin('PUT', '/api/operator/strict-signing', { strict: true, operatorSeed: 'nope' }), 'body.operatorSeed');
      const skOnly = await api.admin('PUT', '/api/operator/strict-signing', { strict: true });
      assert.equal(skOnly.statusCode, 422, 'the operator JWT needs the operator\'s own seed');
      const on = await api.admin('PUT', '/api/operator/strict-signing', { strict: true, operatorSeed: text(fx.op) });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(json(on).operator.strictSigning, true);
      assert.match(json(on).notice, /restart/);
      assert.equal(JSON.parse(Buffer.from(json(on).operator.jwt.split('.')[1], 'base64url').toString()).nats.strict_signing_key_usage, true);
      assert.deepEqual(
        json(on).resigned.map((r: { name: string; push: { ok: boolean } }) => [r.name, r.push.ok]).sort(),
        [
          ['A1', true],
          ['SYS', true],
        ],
      );
      const s = json(await api.admin('GET', '/api/operator'));
      for (const acc of s.accounts) {
        assert.equal(acc.signedBy, fx.sk.getPublicKey(), `${acc.name} is signed by the signing key`);
        assert.equal(acc.onServer, true, `${acc.name} is on the server`);
      }
      assert.equal(s.operator.canSign, true);

      // Under strict usage the operator's own key signs no account, given or not.
      const byIdentity = await api.admin('POST', '/api/operator/accounts', { name: 'A2', operatorSeed: text(fx.op) });
      assert.equal(byIdentity.statusCode, 422, byIdentity.body);
      assert.match(json(byIdentity).message, /signing key/);
      const a3 = await api.admin('POST', '/api/operator/accounts', { name: 'A3' });
      assert.equal(a3.statusCode, 201, a3.body);
      assert.equal(json(a3).account.signedBy, fx.sk.getPublicKey());
      // The last signing key of a strict operator stays.
      const rm = await api.admin('DELETE', `/api/operator/signing-keys/${fx.sk.getPublicKey()}`, { operatorSeed: text(fx.op) });
      assert.equal(rm.statusCode, 422, rm.body);
      assert.match(json(rm).message, /last signing key/);

      const off = await api.admin('PUT', '/api/operator/strict-signing', { strict: false, operatorSeed: text(fx.op) });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal(json(off).operator.strictSigning, false);
      assert.deepEqual(json(off).resigned, []);
    } finally {
      await c.app.close();
      rmSync(c.dir, { recursive: true, force: true });
      rmSync(fx.jwtDir, { recursive: true, force: true });
    }
  });

  test('an operator with no signing key cannot be made strict: the message says to add one', async () => {
    const op = createOperator();
    const opJwt = await encodeOperator('LONE', op, {});
    const c = await startConsole('');
    try {
      const api = await session(c);
      assert.equal((await api.admin('POST', '/api/operator/import', { jwt: opJwt, seed: text(op), storeSeed: true })).statusCode, 200);
      const r = await api.admin('PUT', '/api/operator/strict-signing', { strict: true });
      assert.equal(r.statusCode, 422, r.body);
      assert.match(json(r).message, /no signing key.*add one/);
    } finally {
      await c.app.close();
      rmSync(c.dir, { recursive: true, force: true });
    }
  });
});
