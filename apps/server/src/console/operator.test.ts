/*
 * The operator page's API against an embedded server in operator mode: an operator made with
 * @nats-io/jwt (as nsc would) is imported, accounts are created and pushed to the running
 * resolver (MEMORY: written into resolver_preload and reloaded; full: $SYS.REQ.CLAIMS.UPDATE),
 * users are issued, and the creds the API hands out connect with a real `nats` client; a
 * revocation cuts that client. Viewers get 403 on every write and never a seed. Seeds that are
 * stored are sealed: neither console.db nor the audit log holds them in clear.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator, StringCodec, type NatsConnection } from 'nats';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { createServer, loadConfigFile, Logger } from '@switchboard/broker';
import type { LightMyRequestResponse } from 'fastify';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { waitFor } from '../../../../test/helpers/servers.js';

const SEED_SHAPE = /S[OAU][A-Z2-7]{56}/;
const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;
const text = (kp: { getSeed(): Uint8Array }) => new TextDecoder().decode(kp.getSeed());
const LIMITS = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/** An operator and system account as nsc makes them; the conf text that trusts them. */
async function operatorFixture(resolver: string) {
  const op = createOperator();
  const sys = createAccount();
  const opJwt = await encodeOperator('OP', op, { system_account: sys.getPublicKey() });
  const sysJwt = await encodeAccount('SYS', sys, { limits: LIMITS } as never, { signer: op });
  const conf = `operator: "${opJwt}"\nsystem_account: ${sys.getPublicKey()}\n${resolver}\nresolver_preload: {\n  ${sys.getPublicKey()}: "${sysJwt}"\n}\n`;
  return { op, sys, opJwt, sysJwt, conf };
}

type Console = Awaited<ReturnType<typeof startConsole>>;

async function session(c: Console) {
  const admin = await login(c.app, 'admin', 'secret');
  c.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
  const viewer = await login(c.app, 'vic', 'viewerpw');
  const call = (cookie: string) => async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    c.app.inject({ method, url, headers: { ...ORIGIN, cookie }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { admin: call(admin), viewer: call(viewer) };
}

async function expectCut(nc: NatsConnection): Promise<void> {
  const closed = await Promise.race([nc.closed(), new Promise<string>((r) => setTimeout(() => r('still open'), 10_000))]);
  assert.notEqual(closed, 'still open', 'the revoked user is still connected');
  assert.match(String(closed), /revoked/i);
}

async function pubSubWorks(nc: NatsConnection, subject: string): Promise<void> {
  const sc = StringCodec();
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush();
  nc.publish(subject, sc.encode('hello'));
  for await (const m of sub) assert.equal(sc.decode(m.data), 'hello');
}

describe('operator API, MEMORY resolver (seeds stored, sealed)', () => {
  let c: Console;
  let fx: Awaited<ReturnType<typeof operatorFixture>>;
  let api: Awaited<ReturnType<typeof session>>;
  const clients: NatsConnection[] = [];
  before(async () => {
    fx = await operatorFixture('resolver: MEMORY');
    c = await startConsole(fx.conf);
    api = await session(c);
  });
  after(async () => {
    for (const nc of clients) if (!nc.isClosed()) await nc.close();
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  });

  test('state before import: the running operator and resolver, no managed operator', async () => {
    const s = json(await api.admin('GET', '/api/operator'));
    assert.equal(s.server.operatorMode, true);
    assert.equal(s.server.operators[0].publicKey, fx.op.getPublicKey());
    assert.equal(s.server.resolver.type, 'memory');
    assert.equal(s.server.resolver.pushable, true);
    assert.deepEqual(s.server.accounts.map((a: { name: string }) => a.name), ['SYS']);
    assert.equal(s.operator, null);
    const noOp = await api.admin('POST', '/api/operator/accounts', { name: 'X' });
    assert.equal(json(noOp).code, 'OPERATOR_NOT_FOUND');
  });

  test('viewer: 403 on writes, naming the admin role', async () => {
    for (const [m, u, body] of [
      ['POST', '/api/operator', { name: 'V' }],
      ['POST', '/api/operator/import', { jwt: fx.opJwt }],
      ['POST', '/api/operator/accounts', { name: 'V' }],
      ['DELETE', '/api/operator', undefined],
    ] as const) {
      const r = await api.viewer(m, u, body);
      assert.equal(r.statusCode, 403, `${m} ${u}`);
      assert.equal(json(r).requiredRole, 'admin');
    }
  });

  test('import with a wrong seed is refused; with the operator seed, stored sealed', async () => {
    const wrong = await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(createOperator()), storeSeed: true });
    assert.equal(wrong.statusCode, 422);
    assert.equal(json(wrong).code, 'OPERATOR_SIGNER_REQUIRED');
    const badField = await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: 'nope' });
    assert.equal(badField.statusCode, 400);
    assert.equal(json(badField).issues[0].path, 'body.seed');
    const r = await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true });
    assert.equal(r.statusCode, 200, r.body);
    const s = json(r);
    assert.equal(s.operator.publicKey, fx.op.getPublicKey());
    assert.equal(s.operator.trusted, true);
    assert.equal(s.operator.canSign, true);
    // The system account of the running server came along.
    assert.deepEqual(s.accounts.map((a: { name: string; system: boolean }) => [a.name, a.system]), [['SYS', true]]);
    const again = await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt });
    assert.equal(json(again).code, 'OPERATOR_EXISTS');
  });

  let account = '';
  let userKey = '';
  let creds = '';

  test('create an account: signed by the stored seed, written to resolver_preload, reloaded', async () => {
    const r = await api.admin('POST', '/api/operator/accounts', { name: 'APP', storeSeed: true, limits: { conn: 5 }, exports: [{ type: 'service', subject: 'help' }] });
    assert.equal(r.statusCode, 201, r.body);
    const body = json(r);
    account = body.account.publicKey;
    assert.match(account, /^A[A-Z2-7]{55}$/);
    assert.equal(body.seeds[0].kind, 'account');
    assert.match(body.seeds[0].seed, /^SA/);
    assert.equal(body.push.ok, true, body.push.message);
    assert.equal(body.push.via, 'config');
    assert.equal(body.account.onServer, true);
    assert.equal(body.account.limits.conn, 5);
    assert.ok(c.server.opts.resolverPreload?.[account], 'the running options hold the pushed account');
    assert.match(readFileSync(c.file, 'utf8'), new RegExp(account));
    assert.doesNotMatch(readFileSync(c.file, 'utf8'), SEED_SHAPE);
  });

  test('issue a user: the creds connect with a real nats client; the creds can be fetched again (seed stored)', async () => {
    const r = await api.admin('POST', `/api/operator/accounts/${account}/users`, { name: 'alice', storeSeed: true, pubAllow: ['app.>', '_INBOX.>'], subAllow: ['app.>', '_INBOX.>'] });
    assert.equal(r.statusCode, 201, r.body);
    const body = json(r);
    userKey = body.user.publicKey;
    creds = body.creds;
    assert.equal(body.fileName, 'alice.creds');
    assert.match(creds, /-----BEGIN NATS USER JWT-----\n[\w.-]+\n------END NATS USER JWT------\n\n\*{25} IMPORTANT \*{25}/);
    assert.match(creds, /-----BEGIN USER NKEY SEED-----\nSU[A-Z2-7]{56}\n------END USER NKEY SEED------/);
    const nc = await connect({ servers: `127.0.0.1:${c.server.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });
    clients.push(nc);
    await pubSubWorks(nc, 'app.ping');
    const again = json(await api.admin('GET', `/api/operator/accounts/${account}/users/${userKey}/creds`));
    assert.equal(again.creds, creds);
  });

  test('viewer sees the state read-only and no seed anywhere; 403 on creds and revoke', async () => {
    const r = await api.viewer('GET', '/api/operator');
    assert.equal(r.statusCode, 200);
    assert.doesNotMatch(r.body, SEED_SHAPE);
    assert.equal(json(r).accounts.find((a: { publicKey: string }) => a.publicKey === account).users[0].name, 'alice');
    assert.equal((await api.viewer('GET', `/api/operator/accounts/${account}/users/${userKey}/creds`)).statusCode, 403);
    assert.equal((await api.viewer('POST', `/api/operator/accounts/${account}/users/${userKey}/revoke`, {})).statusCode, 403);
  });

  test('seeds are sealed at rest: not in console.db, not in the audit log; console.secret is 0600', async () => {
    const seed = /SU[A-Z2-7]{56}/.exec(creds)![0];
    const dataDir = join(c.dir, 'data');
    for (const f of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, f)).toString('latin1');
      assert.ok(!bytes.includes(seed), `${f} holds the user seed in clear`);
      assert.ok(!bytes.includes(text(fx.op)), `${f} holds the operator seed in clear`);
    }
    assert.equal(statSync(join(dataDir, 'console.secret')).mode & 0o777, 0o600);
    const audit = await api.admin('GET', '/api/audit?action=operator.*');
    assert.doesNotMatch(audit.body, SEED_SHAPE);
    const actions = json(audit).entries.map((e: { action: string }) => e.action);
    for (const a of ['operator.import', 'operator.account.create', 'operator.user.issue']) assert.ok(actions.includes(a), a);
    assert.ok(!c.logs.some((l) => SEED_SHAPE.test(l)), 'a seed reached the server log');
  });

  test('update an account: re-signed and pushed live (a new export)', async () => {
    const r = await api.admin('PUT', `/api/operator/accounts/${account}`, { name: 'APP', limits: { conn: 5 }, exports: [{ type: 'service', subject: 'help' }, { type: 'stream', subject: 'news.>' }] });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(json(r).push.ok, true);
    assert.deepEqual(json(r).account.exports.map((e: { subject: string }) => e.subject), ['help', 'news.>']);
  });

  test('revoke: the account JWT carries the revocation, the connected user is cut, its creds no longer connect', async () => {
    const r = await api.admin('POST', `/api/operator/accounts/${account}/users/${userKey}/revoke`, {});
    assert.equal(r.statusCode, 200, r.body);
    const body = json(r);
    assert.equal(body.push.ok, true);
    assert.deepEqual(body.account.revocations.map((x: { user: string }) => x.user), [userKey]);
    assert.ok(body.account.users[0].revokedAt);
    await expectCut(clients[0]!);
    await assert.rejects(connect({ servers: `127.0.0.1:${c.server.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false }), /Authorization Violation/i);
  });

  test('an operator the server does not trust: its accounts are signed but not pushed, and the file is not touched', async () => {
    assert.equal((await api.admin('DELETE', '/api/operator')).statusCode, 200);
    const made = await api.admin('POST', '/api/operator', { name: 'ROGUE', storeSeeds: true });
    assert.equal(json(made).operator.trusted, false);
    const before = readFileSync(c.file, 'utf8');
    const r = await api.admin('POST', '/api/operator/accounts', { name: 'EVIL' });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(json(r).push.ok, false);
    assert.match(json(r).push.message, /the server refuses this account JWT/);
    assert.equal(json(r).account.onServer, false);
    assert.equal(readFileSync(c.file, 'utf8'), before);
  });
});

describe('operator API, full resolver (no seeds stored: given per request)', () => {
  let c: Console;
  let fx: Awaited<ReturnType<typeof operatorFixture>>;
  let api: Awaited<ReturnType<typeof session>>;
  let nc: NatsConnection | undefined;
  let jwtDir = '';
  before(async () => {
    fx = await operatorFixture('RESOLVER_DIR');
    jwtDir = mkdtempSync(join(tmpdir(), 'console-jwt-'));
    c = await startConsole(fx.conf.replace('RESOLVER_DIR', `resolver: { type: full, dir: "${jwtDir}", allow_delete: false }`));
    api = await session(c);
  });
  after(async () => {
    if (nc && !nc.isClosed()) await nc.close();
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
    rmSync(jwtDir, { recursive: true, force: true });
  });

  test('import without a seed; signing asks for one; pushed on $SYS.REQ.CLAIMS.UPDATE; creds connect; revoke cuts', async () => {
    assert.equal(json(await api.admin('GET', '/api/operator')).server.resolver.type, 'full');
    const imp = await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt });
    assert.equal(imp.statusCode, 200, imp.body);
    assert.equal(json(imp).operator.canSign, false);
    const noSeed = await api.admin('POST', '/api/operator/accounts', { name: 'SHOP' });
    assert.equal(noSeed.statusCode, 422);
    assert.equal(json(noSeed).code, 'OPERATOR_SIGNER_REQUIRED');
    const made = await api.admin('POST', '/api/operator/accounts', { name: 'SHOP', operatorSeed: text(fx.op) });
    assert.equal(made.statusCode, 201, made.body);
    const account = json(made).account.publicKey as string;
    const accountSeed = json(made).seeds[0].seed as string;
    assert.equal(json(made).push.via, 'claims-update');
    assert.equal(json(made).push.ok, true, json(made).push.message);
    assert.equal(json(made).account.canIssue, false);
    // Stored by the server's resolver: on disk, listed by the state.
    await waitFor(() => readdirSync(jwtDir).some((f) => f.startsWith(account)), 5000, 'the account JWT file');
    const state = json(await api.admin('GET', '/api/operator'));
    assert.ok(state.server.accounts.some((a: { publicKey: string; managed: boolean }) => a.publicKey === account && a.managed));

    const noAccSeed = await api.admin('POST', `/api/operator/accounts/${account}/users`, { name: 'bob' });
    assert.equal(json(noAccSeed).code, 'OPERATOR_SIGNER_REQUIRED');
    const issued = await api.admin('POST', `/api/operator/accounts/${account}/users`, { name: 'bob', accountSeed });
    assert.equal(issued.statusCode, 201, issued.body);
    const user = json(issued).user.publicKey as string;
    assert.equal((await api.admin('GET', `/api/operator/accounts/${account}/users/${user}/creds`)).statusCode, 404);
    nc = await connect({ servers: `127.0.0.1:${c.server.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(json(issued).creds)), reconnect: false });
    await pubSubWorks(nc, 'orders.1');

    const noRevokeSeed = await api.admin('POST', `/api/operator/accounts/${account}/users/${user}/revoke`, {});
    assert.equal(json(noRevokeSeed).code, 'OPERATOR_SIGNER_REQUIRED');
    assert.equal(nc.isClosed(), false);
    const revoked = await api.admin('POST', `/api/operator/accounts/${account}/users/${user}/revoke`, { operatorSeed: text(fx.op) });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(json(revoked).push.via, 'claims-update');
    await expectCut(nc);
  });
});

describe('operator API, server not in operator mode', () => {
  let c: Console;
  let api: Awaited<ReturnType<typeof session>>;
  before(async () => {
    c = await startConsole('');
    api = await session(c);
  });
  after(async () => {
    await c.app.close();
    rmSync(c.dir, { recursive: true, force: true });
  });

  test('says so; creates an operator + system account + a config a server starts with; seeds shown once', async () => {
    const s = json(await api.admin('GET', '/api/operator'));
    assert.equal(s.server.operatorMode, false);
    assert.equal(s.operator, null);
    for (const resolver of ['memory', 'full'] as const) {
      const r = await api.admin('POST', '/api/operator', { name: 'ACME', storeSeeds: false, resolver });
      assert.equal(r.statusCode, 201, r.body);
      const body = json(r);
      assert.deepEqual(body.seeds.map((x: { kind: string }) => x.kind), ['operator', 'operator signing key', 'system account']);
      assert.equal(body.operator.canSign, false);
      assert.equal(body.operator.trusted, false);
      // The generated config is one a server starts with.
      const file = join(c.dir, `op-${resolver}.conf`);
      writeFileSync(file, body.config.replace('listen: 127.0.0.1:4222', 'listen: 127.0.0.1:-1').replace('dir: "./jwt"', `dir: "${join(c.dir, 'jwt-' + resolver)}"`));
      assert.doesNotMatch(body.config, SEED_SHAPE);
      const loaded = loadConfigFile(file);
      assert.deepEqual(loaded.errors, []);
      const srv = createServer(loaded.options, { logger: new Logger({ sink: () => {} }) });
      try {
        await srv.start();
        assert.equal(srv.operator?.mode.operators[0]?.sub, body.operator.publicKey);
        assert.equal(srv.operator?.mode.systemAccount, body.seeds[2].publicKey);
      } finally {
        await srv.shutdown();
      }
      // Nothing of the seeds kept (storeSeeds false), and a second operator is refused until this one is forgotten.
      assert.equal(json(await api.admin('POST', '/api/operator', { name: 'OTHER' })).code, 'OPERATOR_EXISTS');
      assert.equal((await api.admin('DELETE', '/api/operator')).statusCode, 200);
    }
  });
});

describe('operator API, MEMORY resolver without a config file (live only)', () => {
  test('a new account goes into the MEMORY resolver, a loaded one is updated on $SYS: the revoked user is cut', async () => {
    const fx = await operatorFixture('');
    const { buildConsole } = await import('./index.js');
    const server = createServer(
      { host: '127.0.0.1', port: -1, operator: fx.opJwt, systemAccount: fx.sys.getPublicKey(), resolver: { type: 'memory' }, resolverPreload: { [fx.sys.getPublicKey()]: fx.sysJwt } },
      { logger: new Logger({ sink: () => {} }) },
    );
    await server.start();
    const dir = mkdtempSync(join(tmpdir(), 'console-nofile-'));
    const app = await buildConsole({ server, dataDir: join(dir, 'data'), adminPassword: 'secret', print: () => {}, sampleStats: false });
    await app.ready();
    let nc: NatsConnection | undefined;
    try {
      const api = await session({ app } as Console);
      assert.match(json(await api.admin('GET', '/api/operator')).server.resolver.how, /lost at a restart/);
      assert.equal((await api.admin('POST', '/api/operator/import', { jwt: fx.opJwt, seed: text(fx.op), storeSeed: true })).statusCode, 200);
      const made = json(await api.admin('POST', '/api/operator/accounts', { name: 'LIVE', storeSeed: true }));
      assert.equal(made.push.via, 'memory');
      assert.equal(made.push.ok, true, made.push.message);
      const account = made.account.publicKey as string;
      const issued = json(await api.admin('POST', `/api/operator/accounts/${account}/users`, { name: 'carol' }));
      nc = await connect({ servers: `127.0.0.1:${server.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(issued.creds)), reconnect: false });
      await pubSubWorks(nc, 'x.y');
      const revoked = json(await api.admin('POST', `/api/operator/accounts/${account}/users/${issued.user.publicKey}/revoke`, {}));
      assert.equal(revoked.push.via, 'memory');
      assert.equal(revoked.push.ok, true, revoked.push.message);
      await expectCut(nc);
    } finally {
      if (nc && !nc.isClosed()) await nc.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
