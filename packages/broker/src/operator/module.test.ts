/**
 * The operator module inside an embedded server, with a real `nats` client: the system account
 * taken from the operator JWT, JWT limits kept across a reload, a refused (untrusted) update
 * changing nothing, and a reloaded `resolver_preload` applied to connected clients.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { createAccount, createUser } from '@nats-io/nkeys';
import type { OptionsInput } from '@switchboard/shared';
import { createServer, type Switchboard } from '../switchboard.js';
import { Logger } from '../log/logger.js';
import { makeAccount, makeOperator, makeUser, nowSec, UNLIMITED, type Usr } from '../jwt/fixtures.test.js';

const servers: Switchboard[] = [];
const clients: NatsConnection[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(servers.map((s) => s.shutdown()));
});
const LIM = { subs: -1, payload: -1, data: -1 };

async function start(opts: OptionsInput): Promise<Switchboard> {
  const s = createServer({ host: '127.0.0.1', port: -1, ...opts }, { logger: new Logger({ sink: () => undefined }) });
  servers.push(s);
  await s.start();
  return s;
}

async function client(s: Switchboard, u: Usr): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${s.port}`, authenticator: jwtAuthenticator(u.jwt, u.kp.getSeed()), reconnect: false });
  clients.push(nc);
  await nc.flush();
  return nc;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('operator mode in an embedded server: system account, limits across reload, refused and reloaded updates', async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const aKp = createAccount();
  const a = await makeAccount(op.kp, { limits: { ...UNLIMITED, payload: 8 } }, { kp: aKp, name: 'A' });
  const base: OptionsInput = { operator: op.jwt, resolver: { type: 'memory' }, resolverPreload: { [sys.pub]: sys.jwt, [a.pub]: a.jwt } };
  const s = await start(base);

  // The system account comes from the operator JWT (no system_account in the options).
  assert.equal(s.opts.systemAccount, sys.pub);
  assert.equal(s.events.systemAccountName, sys.pub);

  const victimKp = createUser();
  const victim = await client(s, await makeUser(aKp, LIM, { kp: victimKp }));
  const other = await client(s, await makeUser(aKp, LIM));
  assert.equal(victim.info?.max_payload, 8, 'the account JWT payload limit reaches the client');

  // A reload that changes max_payload keeps the JWT limit of connected JWT users.
  const r = await s.reload({ ...base, host: '127.0.0.1', port: -1, maxPayload: 2048 });
  assert.deepEqual(r.errors, []);
  for (const c of s.clients.values()) assert.equal(c.maxPayload, 8);

  // An update signed by an operator the server does not trust is refused and changes nothing.
  const stranger = await makeOperator();
  const forged = await makeAccount(stranger.kp, {}, { kp: aKp, name: 'A' });
  assert.equal(s.operator!.applyUpdate(a.pub, forged.jwt), 'account validation failed');
  assert.equal(s.operator!.accounts.get(a.pub)?.def.jwt, a.jwt);

  // A reload whose resolver_preload revokes the victim cuts it; the other client stays.
  const revoking = await makeAccount(op.kp, { limits: { ...UNLIMITED, payload: 8 }, revocations: { [victimKp.getPublicKey()]: nowSec() + 3600 } }, { kp: aKp, name: 'A' });
  let reason: string | undefined;
  void victim.closed().then((e) => (reason = e?.message ?? 'closed'));
  const r2 = await s.reload({ ...base, host: '127.0.0.1', port: -1, maxPayload: 2048, resolverPreload: { [sys.pub]: sys.jwt, [a.pub]: revoking.jwt } });
  assert.deepEqual(r2.errors, []);
  await waitFor(() => reason !== undefined);
  assert.match(reason!, /User Authentication Revoked/);
  await other.flush();
  assert.equal(other.isClosed(), false);
});
