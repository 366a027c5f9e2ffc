import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, nkeyAuthenticator, StringCodec, type NatsConnection } from 'nats';
import { createUser } from '@nats-io/nkeys';
import { hashPassword, type Switchboard } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';
import { tryConnect, errText } from './helpers.js';

const sc = StringCodec();
const servers: Switchboard[] = [];
const conns: NatsConnection[] = [];

async function start(opts: OptionsInput) {
  const s = await startEmbedded(opts);
  servers.push(s.server);
  return s;
}

async function ok(url: string, opts: Parameters<typeof tryConnect>[1] = {}): Promise<NatsConnection> {
  const r = await tryConnect(url, opts);
  if (r instanceof Error) throw new Error(`expected to connect, got ${errText(r)}`);
  conns.push(r);
  return r;
}

async function refused(url: string, opts: Parameters<typeof tryConnect>[1] = {}): Promise<string> {
  const r = await tryConnect(url, opts);
  if (!(r instanceof Error)) {
    await r.close();
    throw new Error('expected the connection to be refused');
  }
  return errText(r);
}

/** A raw client: reads INFO, sends `lines`, returns everything received until close. */
async function rawExchange(port: number, lines: string, closeWithin = 3000): Promise<{ info: Record<string, unknown>; text: string; closed: boolean }> {
  const c = await RawConn.open(port);
  try {
    const first = await c.waitFor(/^INFO .*\r\n/);
    const info = JSON.parse(first.slice(5, first.indexOf('\r\n'))) as Record<string, unknown>;
    c.drain();
    if (lines) c.write(lines);
    const closed = await c.waitClosed(closeWithin);
    return { info, text: c.text(), closed };
  } finally {
    c.close();
  }
}

after(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await Promise.all(servers.map((s) => s.shutdown()));
});

describe('token', () => {
  test('right token connects, wrong or missing token is an Authorization Violation', async () => {
    const { url, port, lines } = await start({ authorization: { token: 's3cr3t-token' } });
    const nc = await ok(url, { token: 's3cr3t-token' });
    assert.equal(nc.info?.auth_required, true);
    assert.match(await refused(url, { token: 'nope' }), /Authorization Violation/i);
    assert.match(await refused(url), /Authorization Violation/i);
    const raw = await rawExchange(port, 'CONNECT {"auth_token":"nope","verbose":false}\r\nPING\r\n');
    assert.equal(raw.text, "-ERR 'Authorization Violation'\r\n");
    assert.ok(raw.closed);
    assert.ok(!lines.join('').includes('s3cr3t-token'), 'token must not be logged');
  });

  test('a bcrypt token is checked with bcrypt', async () => {
    const { url } = await start({ authorization: { token: hashPassword('tok', 4) } });
    await ok(url, { token: 'tok' });
    assert.match(await refused(url, { token: 'tok2' }), /Authorization Violation/i);
  });
});

describe('user and password', () => {
  test('single user/password (plain)', async () => {
    const { url, lines } = await start({ authorization: { user: 'alice', password: 'wonderland' } });
    await ok(url, { user: 'alice', pass: 'wonderland' });
    assert.match(await refused(url, { user: 'alice', pass: 'x' }), /Authorization Violation/i);
    assert.match(await refused(url, { user: 'bob', pass: 'wonderland' }), /Authorization Violation/i);
    assert.ok(lines.some((l) => l.includes('Plaintext passwords detected, use nkeys or bcrypt')));
  });

  test('users list with plain and bcrypt passwords', async () => {
    const { url, lines, server } = await start({
      authorization: {
        users: [
          { user: 'plain', password: 'pw1' },
          { user: 'hashed', password: hashPassword('pw2', 4) },
        ],
      },
    });
    const a = await ok(url, { user: 'plain', pass: 'pw1' });
    const b = await ok(url, { user: 'hashed', pass: 'pw2' });
    assert.match(await refused(url, { user: 'hashed', pass: 'pw1' }), /Authorization Violation/i);
    assert.match(await refused(url, { user: 'nobody', pass: 'pw1' }), /Authorization Violation/i);
    assert.match(await refused(url), /Authorization Violation/i);
    // Both in $G: they talk to each other.
    const sub = b.subscribe('greet', { max: 1 });
    await b.flush();
    a.publish('greet', sc.encode('hi'));
    for await (const m of sub) assert.equal(sc.decode(m.data), 'hi');
    const users = [...server.clients.values()].map((c) => c.user).sort();
    assert.deepEqual(users, ['hashed', 'plain']);
    assert.ok(!lines.join('').includes('pw1') && !lines.join('').includes('pw2'));
  });

  test('users inside accounts are bound to their account', async () => {
    const { url, server } = await start({
      accounts: {
        A: { users: [{ user: 'a', password: 'a' }] },
        B: { users: [{ user: 'b', password: 'b' }] },
      },
    });
    const a = await ok(url, { user: 'a', pass: 'a' });
    const a2 = await ok(url, { user: 'a', pass: 'a' });
    const b = await ok(url, { user: 'b', pass: 'b' });
    assert.ok(server.accounts.has('A') && server.accounts.has('B'));
    const got: string[] = [];
    const subB = b.subscribe('x');
    (async () => {
      for await (const m of subB) got.push(`b:${sc.decode(m.data)}`);
    })();
    const subA = a2.subscribe('x', { max: 1 });
    await Promise.all([a2.flush(), b.flush()]);
    a.publish('x', sc.encode('from-a'));
    for await (const m of subA) got.push(`a2:${sc.decode(m.data)}`);
    await b.flush();
    assert.deepEqual(got, ['a2:from-a'], 'account B must not see account A traffic');
    const accs = [...server.clients.values()].map((c) => `${c.user}@${c.account.name}`).sort();
    assert.deepEqual(accs, ['a@A', 'a@A', 'b@B']);
  });
});

describe('nkeys', () => {
  test('INFO carries a 15-char nonce; a signed nonce authenticates, a wrong key does not', async () => {
    const kp = createUser();
    const other = createUser();
    const pub = kp.getPublicKey();
    const { url, port, server } = await start({ authorization: { users: [{ nkey: pub }] } });
    const raw = await rawExchange(port, '', 100);
    assert.match(String(raw.info.nonce), /^[A-Za-z0-9_-]{15}$/);
    const nc = await ok(url, { authenticator: nkeyAuthenticator(kp.getSeed()) });
    assert.ok(nc.info?.nonce);
    assert.equal([...server.clients.values()][0]?.user, pub);
    // Signing with another key for the configured public key.
    const { RawConn: R } = await import('../helpers/raw.js');
    const c = await R.open(port);
    const first = await c.waitFor(/^INFO .*\r\n/);
    const nonce = JSON.parse(first.slice(5, first.indexOf('\r\n'))).nonce as string;
    const badSig = Buffer.from(other.sign(Buffer.from(nonce))).toString('base64url');
    c.write(`CONNECT {"verbose":false,"nkey":"${pub}","sig":"${badSig}"}\r\nPING\r\n`);
    await c.waitFor(/Authorization Violation/);
    assert.ok(await c.waitClosed());
    c.close();
    // Standard base64 (padded) signatures are accepted too.
    const c2 = await R.open(port);
    const f2 = await c2.waitFor(/^INFO .*\r\n/);
    const n2 = JSON.parse(f2.slice(5, f2.indexOf('\r\n'))).nonce as string;
    const stdSig = Buffer.from(kp.sign(Buffer.from(n2))).toString('base64');
    c2.write(`CONNECT {"verbose":false,"nkey":"${pub}","sig":"${stdSig}"}\r\nPING\r\n`);
    await c2.waitFor(/PONG\r\n/);
    c2.close();
    // An unknown nkey.
    assert.match(await refused(url, { authenticator: nkeyAuthenticator(other.getSeed()) }), /Authorization Violation/i);
  });

  test('nkey users inside an account', async () => {
    const kp = createUser();
    const { url, server } = await start({ accounts: { K: { users: [{ nkey: kp.getPublicKey() }] } } });
    await ok(url, { authenticator: nkeyAuthenticator(kp.getSeed()) });
    await waitFor(() => [...server.clients.values()].some((c) => c.account.name === 'K'));
  });
});

describe('no_auth_user', () => {
  const opts: OptionsInput = {
    accounts: {
      A: { users: [{ user: 'anon', password: 'anonpw' }] },
      B: { users: [{ user: 'bob', password: 'bobpw' }] },
    },
    noAuthUser: 'anon',
  };

  test('INFO says auth_required false; a credential-less client becomes the no_auth_user', async () => {
    const { url, server } = await start(opts);
    const nc = await ok(url);
    assert.ok(!nc.info?.auth_required);
    await waitFor(() => [...server.clients.values()].some((c) => c.user === 'anon' && c.account.name === 'A'));
    await ok(url, { user: 'bob', pass: 'bobpw' });
    assert.match(await refused(url, { user: 'bob', pass: 'wrong' }), /Authorization Violation/i);
  });

  test('a first operation other than CONNECT binds the no_auth_user (telnet)', async () => {
    const { port, server } = await start(opts);
    const c = await RawConn.open(port);
    await c.waitFor(/^INFO /);
    c.write('SUB foo 1\r\nPING\r\n');
    await c.waitFor(/PONG\r\n/);
    assert.ok(!c.text().includes('-ERR'));
    const cl = [...server.clients.values()][0];
    assert.equal(cl.user, 'anon');
    assert.equal(cl.account.name, 'A');
    c.close();
  });

  test('without no_auth_user a first non-CONNECT op is an Authorization Violation', async () => {
    const { port } = await start({ authorization: { user: 'u', password: 'p' } });
    const raw = await rawExchange(port, 'PING\r\n');
    assert.equal(raw.text, "-ERR 'Authorization Violation'\r\n");
    assert.ok(raw.closed);
  });
});

describe('auth_timeout', () => {
  test('no CONNECT within auth_timeout: -ERR Authentication Timeout and close', async () => {
    const { port } = await start({ authorization: { token: 't' }, authTimeout: 0.3 });
    const t0 = Date.now();
    const raw = await rawExchange(port, '', 3000);
    assert.equal(raw.text, "-ERR 'Authentication Timeout'\r\n");
    assert.ok(raw.closed);
    assert.ok(Date.now() - t0 >= 250);
  });

  test('auth_timeout also runs with a no_auth_user', async () => {
    const { port } = await start({ authorization: { users: [{ user: 'n', password: 'n' }] }, noAuthUser: 'n', authTimeout: 0.3 });
    const raw = await rawExchange(port, '', 3000);
    assert.equal(raw.text, "-ERR 'Authentication Timeout'\r\n");
  });

  test('no auth configured: no timer, no CONNECT needed', async () => {
    const { port } = await start({ authTimeout: 0.2 });
    const c = await RawConn.open(port);
    await c.waitFor(/^INFO /);
    await new Promise((r) => setTimeout(r, 400));
    c.write('PING\r\n');
    await c.waitFor(/PONG\r\n/);
    assert.ok(!c.text().includes('-ERR'));
    c.close();
  });
});

describe('secrets stay out of logs', () => {
  test('trace redacts pass, token and sig in CONNECT', async () => {
    const { port, lines } = await start({ authorization: { users: [{ user: 'tr', password: 'hunter2' }] }, trace: true });
    const c = await RawConn.open(port);
    await c.waitFor(/^INFO /);
    c.write('CONNECT {"verbose":false,"user":"tr","pass":"hunter2","auth_token":"tok-xyz"}\r\nPING\r\n');
    await c.waitFor(/PONG|ERR/);
    c.close();
    await waitFor(() => lines.some((l) => l.includes('CONNECT')));
    const all = lines.join('');
    assert.ok(!all.includes('hunter2'), all);
    assert.ok(!all.includes('tok-xyz'));
    assert.ok(all.includes('[REDACTED]'));
  });
});

describe('connecting with nats.js v3', () => {
  test('user/password with @nats-io/transport-node', async () => {
    const { connect: connect3 } = await import('@nats-io/transport-node');
    const { url } = await start({ authorization: { users: [{ user: 'v3', password: 'pw' }] } });
    const nc = await connect3({ servers: url, user: 'v3', pass: 'pw', reconnect: false });
    await nc.flush();
    await nc.close();
    await assert.rejects(connect3({ servers: url, user: 'v3', pass: 'bad', reconnect: false }), /Authorization Violation|AUTHORIZATION_VIOLATION/i);
  });
});

// keep `connect` import used for type inference in helpers
void connect;
