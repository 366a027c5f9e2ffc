/**
 * More operator-mode behaviour of a running server, differential against nats-server 2.9.10
 * (same JWTs, same conf, real `nats` clients): subscription limits from the user JWT (a limit of
 * 1, and a limit of 0 that closes the client), a scoped signing key whose template sets
 * the permissions, bearer tokens (allowed, and refused by `disallow_bearer`), an account JWT
 * expiring while its client is connected, no `CLIENT.AUTH.ERR` for the account connection limit,
 * `$SYS.REQ.CLAIMS.LIST` and a `$SYS.REQ.CLAIMS.DELETE` that cuts the deleted account's clients,
 * and the URL resolver fetching account JWTs over HTTP.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { makeLinkPki } from '../helpers/link-pki.js';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { encodeGeneric } from '@nats-io/jwt';
import { createAccount } from '@nats-io/nkeys';
import { natsServerAvailable, waitFor, type ProcServer } from '../helpers/servers.js';
import { makeAccount, makeOperator, makeUser, nowSec, UNLIMITED } from '../../packages/broker/src/jwt/fixtures.test.js';
import { KINDS, closedReason, collectErrors, connectOutcome, errText, natsConnect, startBoth } from './server-helpers.js';

const skip = natsServerAvailable() ? false : 'nats-server is not on PATH';
const procs: ProcServer[] = [];
const clients: NatsConnection[] = [];
const https: HttpServer[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(procs.map((p) => p.stop()));
  for (const h of https) h.close();
});
const sc = StringCodec();
const LIM = { subs: -1, payload: -1, data: -1 };

test('user limits, scoped signing keys, bearer tokens, account expiry, claims list and delete', { skip, timeout: 120_000 }, async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const sys = await makeAccount(op.kp, {}, { kp: sysKp, name: 'SYS' });
  const scoped = createAccount();
  const a = await makeAccount(
    op.kp,
    { signing_keys: [{ kind: 'user_scope', key: scoped.getPublicKey(), role: 'r', template: { pub: { allow: ['{{name()}}.>'] }, sub: { allow: ['{{name()}}.>'] }, subs: -1, payload: -1, data: -1 } }] as never },
    { name: 'A' },
  );
  const noBearer = await makeAccount(op.kp, { limits: { ...UNLIMITED, disallow_bearer: true } }, { name: 'NOBEARER' });
  const one = await makeAccount(op.kp, { limits: { ...UNLIMITED, conn: 1 } }, { name: 'ONE' });
  const doomed = await makeAccount(op.kp, {}, { name: 'DOOMED' });
  const accounts = [sys, a, noBearer, one, doomed];
  const servers = await startBoth(
    'jwt-lim',
    op.jwt,
    (dir, opFile) => `operator: "${opFile}"\nresolver: { type: full, dir: "${dir}/jwt", allow_delete: true }\nresolver_preload: {\n${accounts.map((x) => `  ${x.pub}: "${x.jwt}"`).join('\n')}\n}\n`,
    procs,
  );

  const shortClosed: Promise<string>[] = [];
  for (const kind of KINDS) {
    const port = servers[kind].srv.port;
    const sysNc = await natsConnect(port, await makeUser(sysKp, LIM));
    clients.push(sysNc);
    // An account pushed with an expiry a few seconds out: its client is cut when the account
    // JWT runs out (checked last).
    const shortLived = await makeAccount(op.kp, {}, { name: 'SHORT', exp: nowSec() + 5 });
    const pushed = JSON.parse(sc.decode((await sysNc.request('$SYS.REQ.CLAIMS.UPDATE', sc.encode(shortLived.jwt), { timeout: 5000 })).data)) as { data?: { code: number } };
    assert.equal(pushed.data?.code, 200, `${kind}: short-lived account stored`);
    const sl = await natsConnect(port, await makeUser(shortLived.kp, LIM));
    clients.push(sl);
    shortClosed.push(closedReason(sl, 30_000));

    // subs: 1 — the second subscription is refused, the client stays.
    const oneSub = await natsConnect(port, await makeUser(a.kp, { subs: 1, payload: -1, data: -1 }));
    clients.push(oneSub);
    const errs = collectErrors(oneSub);
    oneSub.subscribe('x.1');
    oneSub.subscribe('x.2');
    await oneSub.flush();
    await waitFor(() => errs.length > 0, 5000, `${kind}: subscription limit error`);
    assert.deepEqual(errs, ['NATS_PROTOCOL_ERR'], `${kind}: one error (maximum subscriptions exceeded)`);
    assert.equal(oneSub.isClosed(), false, `${kind}: the client stays`);
    // A subscription limit of 0 (also what an absent `subs` decodes to): told and closed.
    // (Right after CONNECT: on a busy machine the -ERR may beat the handshake's PONG and fail the connect.)
    const noSubsReason = await natsConnect(port, await makeUser(a.kp, { subs: 0, payload: -1, data: -1 })).then(
      (nc) => {
        clients.push(nc);
        return closedReason(nc);
      },
      (e: unknown) => errText(e),
    );
    assert.equal(noSubsReason, 'maximum subscriptions exceeded', `${kind}: subs 0`);

    // Scoped signing key: the template's permissions, with {{name()}} expanded.
    const su = await makeUser(a.kp, {}, { signer: scoped, scoped: true, name: 'alice' });
    const sNc = await natsConnect(port, su);
    clients.push(sNc);
    const serrs = collectErrors(sNc);
    const got: string[] = [];
    sNc.subscribe('alice.>', { callback: (_e, m) => got.push(m.subject) });
    sNc.publish('alice.x', sc.encode('1'));
    sNc.publish('bob.x', sc.encode('1'));
    await sNc.flush();
    await waitFor(() => got.length === 1 && serrs.length === 1, 5000, `${kind}: scoped user outcome`);
    assert.deepEqual([got, serrs], [['alice.x'], ['PERMISSIONS_VIOLATION publish bob.x']], `${kind}: scoped permissions`);
    // A scoped key's user with permissions of its own is refused.
    assert.equal(await connectOutcome(port, await makeUser(a.kp, { pub: { allow: ['>'] } } as never, { signer: scoped }), clients), 'Authorization Violation', `${kind}: scoped user with own permissions`);

    // Bearer tokens: no signature needed, unless the account disallows them.
    const bearerOk = await makeUser(a.kp, { ...LIM, bearer_token: true } as never);
    const bearerNo = await makeUser(noBearer.kp, { ...LIM, bearer_token: true } as never);
    const bearer = async (jwt: string): Promise<string> => {
      try {
        const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, authenticator: () => ({ jwt }) });
        clients.push(nc);
        await nc.close();
        return 'ok';
      } catch (e) {
        return errText(e);
      }
    };
    assert.equal(await bearer(bearerOk.jwt), 'ok', `${kind}: bearer token`);
    assert.equal(await bearer(bearerNo.jwt), 'Authorization Violation', `${kind}: bearer disallowed`);

    // The account connection limit is no authentication failure: no CLIENT.AUTH.ERR for it.
    // Events are told apart by the client's JWT: nats-server sends its events from a queue, so
    // one for an earlier refusal (bearer, scoped key) may still arrive after this subscription.
    const authErrJwts: string[] = [];
    sysNc.subscribe('$SYS.SERVER.*.CLIENT.AUTH.ERR', { callback: (_e, m) => authErrJwts.push((JSON.parse(sc.decode(m.data)) as { client: { jwt?: string } }).client.jwt ?? '') });
    await sysNc.flush();
    const overLimit = await makeUser(one.kp, LIM);
    const unknownAcc = await makeUser(createAccount(), LIM);
    assert.equal(await connectOutcome(port, await makeUser(one.kp, LIM), clients, true), 'ok');
    assert.equal(await connectOutcome(port, overLimit, clients), 'maximum account active connections exceeded');
    assert.equal(await connectOutcome(port, unknownAcc, clients), 'Authorization Violation');
    await waitFor(() => authErrJwts.includes(unknownAcc.jwt), 5000, `${kind}: the auth error event`);
    await sysNc.flush();
    // (Not counted: on a busy machine connectOutcome may retry a connect that the server cut
    // before the client read its -ERR, and each attempt is one event.) Events leave a server in
    // order, so one for the earlier refusal would have come first.
    assert.ok(!authErrJwts.includes(overLimit.jwt), `${kind}: no CLIENT.AUTH.ERR for the connection over the account's limit`);

    // CLAIMS.LIST names the stored accounts.
    const list = JSON.parse(sc.decode((await sysNc.request('$SYS.REQ.CLAIMS.LIST', undefined, { timeout: 5000 })).data)) as { data: string[] };
    // The short-lived account is listed until its JWT expires (expired JWTs are left out).
    assert.deepEqual(list.data.filter((k) => k !== shortLived.pub).sort(), accounts.map((x) => x.pub).sort(), `${kind}: claims list`);

    // CLAIMS.DELETE (signed by the operator): the deleted account's client is cut as expired.
    const victim = await natsConnect(port, await makeUser(doomed.kp, LIM));
    clients.push(victim);
    await victim.flush();
    const victimClosed = closedReason(victim, 10_000);
    const del = await encodeGeneric('del', op.kp, 'generic', { accounts: [doomed.pub] });
    const reply = JSON.parse(sc.decode((await sysNc.request('$SYS.REQ.CLAIMS.DELETE', sc.encode(del), { timeout: 5000 })).data)) as { data?: { message: string } };
    assert.equal(reply.data?.message, 'deleted 1 accounts', `${kind}: delete reply`);
    assert.equal(await victimClosed, 'Account Authentication Expired', `${kind}: deleted account's client`);
    await sysNc.close();
  }
  const reasons = await Promise.all(shortClosed);
  assert.deepEqual(reasons, ['Account Authentication Expired', 'Account Authentication Expired'], 'an expiring account cuts its clients on both servers');
});

test('URL resolver: account JWTs fetched over HTTP, unknown accounts refused', { skip, timeout: 60_000 }, async () => {
  const op = await makeOperator();
  const a = await makeAccount(op.kp, {}, { name: 'A' });
  const served = new Map([[a.pub, a.jwt]]);
  const requested: string[] = [];
  const http = createHttpServer((req, res) => {
    const key = (req.url ?? '').split('/').pop() ?? '';
    requested.push(req.url ?? '');
    const jwt = served.get(key);
    // The base URL answers too: nats-server probes it at start.
    if (key === '') res.end('');
    else if (jwt === undefined) {
      res.statusCode = 404;
      res.end();
    } else res.end(jwt);
  });
  https.push(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  const servers = await startBoth('jwt-url', op.jwt, (_d, opFile) => `operator: "${opFile}"\nresolver: URL("http://127.0.0.1:${port}/jwt/v1/accounts/")\n`, procs);
  for (const kind of KINDS) {
    assert.equal(await connectOutcome(servers[kind].srv.port, await makeUser(a.kp, LIM), clients), 'ok', `${kind}: account from the URL resolver`);
    assert.equal(await connectOutcome(servers[kind].srv.port, await makeUser(createAccount(), LIM), clients), 'Authorization Violation', `${kind}: account the URL does not have`);
  }
  assert.ok(requested.includes(`/jwt/v1/accounts/${a.pub}`), `fetched at <url>/<account>: ${JSON.stringify(requested)}`);
});

test('URL resolver: a server whose resolver URL does not answer 200 refuses to start, as nats-server does', { skip, timeout: 60_000 }, async () => {
  const op = await makeOperator();
  const http = createHttpServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  https.push(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  const errors: string[] = [];
  for (const kind of KINDS) {
    const err = await startBoth(`jwt-url-${kind}`, op.jwt, (_d, opFile) => `operator: "${opFile}"\nresolver: URL("http://127.0.0.1:${port}/accounts/")\n`, procs, [kind]).then(
      () => 'started',
      (e: Error) => e.message,
    );
    errors.push(err);
  }
  for (const e of errors) assert.match(e, new RegExp(`could not fetch <"http://127.0.0.1:${port}/accounts/">: 404 Not Found`));
});

test('URL resolver over HTTPS: resolver_tls ca_file trusts the resolver; without it neither server starts', { skip, timeout: 90_000 }, async () => {
  const pki = makeLinkPki();
  try {
    const op = await makeOperator();
    const a = await makeAccount(op.kp, {}, { name: 'A' });
    const tlsServer = createHttpsServer({ cert: readFileSync(pki.cert), key: readFileSync(pki.key) }, (req, res) => {
      const key = (req.url ?? '').split('/').pop() ?? '';
      if (key === '') res.end('');
      else if (key === a.pub) res.end(a.jwt);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    https.push(tlsServer);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const port = (tlsServer.address() as { port: number }).port;
    const url = `https://127.0.0.1:${port}/jwt/v1/accounts/`;
    const servers = await startBoth('jwt-url-tls', op.jwt, (_d, opFile) => `operator: "${opFile}"\nresolver: URL("${url}")\nresolver_tls { ca_file: "${pki.ca}" }\n`, procs);
    for (const kind of KINDS) {
      assert.equal(await connectOutcome(servers[kind].srv.port, await makeUser(a.kp, LIM), clients), 'ok', `${kind}: account fetched over HTTPS`);
    }
    // Trusting another CA: the start probe fails on both servers.
    for (const kind of KINDS) {
      const outcome = await startBoth(`jwt-url-tls-bad-${kind}`, op.jwt, (_d, opFile) => `operator: "${opFile}"\nresolver: URL("${url}")\nresolver_tls { ca_file: "${pki.otherCa}" }\n`, procs, [kind]).then(
        () => 'started',
        (e: Error) => e.message,
      );
      assert.match(outcome, /could not fetch/, `${kind}: refuses to start with a resolver it cannot verify`);
    }
  } finally {
    pki.cleanup();
  }
});
