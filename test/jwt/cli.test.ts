/**
 * `switchboard jwt`: the files it writes are the NATS tools' files, and they work end to end with
 * the reference server — nats-server 2.9.10 in operator mode, its MEMORY resolver preloaded with
 * the CLI's account JWTs, accepts a real `nats` client using the CLI's `.creds`; a revocation made
 * with the CLI and pushed to the server cuts that client.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { decode, fmtCreds, encodeUser } from '@nats-io/jwt';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';
import { CLI, startProcess, natsServerAvailable, waitFor, type ProcServer } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { runJwt } from '../../apps/server/src/jwt-cli.js';

const procs: ProcServer[] = [];
const clients: NatsConnection[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(procs.map((p) => p.stop()));
});

/** The real binary (slow to start on a busy machine: used for the exit status and streams). */
function sb(args: string[]): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, 'jwt', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}
/** The same commands in-process: what they print. */
async function ok(args: string[]): Promise<string> {
  return `${(await runJwt(args)).join('\n')}\n`;
}
/** The message a failing command ends with. */
async function fails(args: string[]): Promise<string> {
  try {
    await runJwt(args);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`switchboard jwt ${args.join(' ')} should fail`);
}
const SEED = /S[OAU][A-Z2-7]{56}/;
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

/** An operator with a system account, an account APP (with a signing key) and its files. */
async function makeTree(dir: string, extra: string[] = []): Promise<Record<string, string>> {
  const p = (n: string) => join(dir, n);
  const out1 = await ok(['create', 'operator', '--name', 'OP', '--jwt', p('op.jwt'), '--seed', p('op.nk'), '--signing-key', p('op-sk.nk'), '--sys', '--sys-jwt', p('sys.jwt'), '--sys-seed', p('sys.nk'), ...extra]);
  const out2 = await ok(['create', 'account', '--name', 'APP', '--operator-seed', p('op-sk.nk'), '--jwt', p('app.jwt'), '--seed', p('app.nk'), '--signing-key', p('app-sk.nk')]);
  for (const o of [out1, out2]) assert.doesNotMatch(o, SEED, 'no seed on stdout');
  return { op: p('op.jwt'), sys: p('sys.jwt'), sysSeed: p('sys.nk'), app: p('app.jwt'), appSeed: p('app.nk'), appSk: p('app-sk.nk'), opSk: p('op-sk.nk'), opSeed: p('op.nk') };
}

test('the files: JWTs that verify, 0600 seeds, nsc-format creds, no seed on stdout unless asked, no overwrite without --force', async () => {
  const dir = tmpDir('jwt-cli');
  const t = await makeTree(dir);
  for (const f of [t.op, t.sys, t.app]) {
    const token = readFileSync(f, 'utf8');
    assert.doesNotThrow(() => decode(token), `${f} verifies with @nats-io/jwt`);
    assert.doesNotThrow(() => J.decodeJwt(token));
    assert.equal(mode(f), '644');
  }
  for (const f of [t.opSeed, t.opSk, t.sysSeed, t.appSeed, t.appSk]) {
    assert.equal(mode(f), '600', f);
    assert.match(readFileSync(f, 'utf8'), /^S[OA][A-Z2-7]{56}$/, 'a bare seed, as nsc keeps it');
  }
  const op = J.decodeOperatorJwt(readFileSync(t.op, 'utf8'));
  const sys = J.decodeAccountJwt(readFileSync(t.sys, 'utf8'));
  assert.equal(op.nats.systemAccount, sys.sub);
  assert.equal(op.nats.signingKeys.length, 1);
  const app = J.decodeAccountJwt(readFileSync(t.app, 'utf8'));
  assert.equal(app.iss, op.nats.signingKeys[0], 'signed with the operator signing key');
  assert.deepEqual(J.validateAccountClaims(app).errors(), []);
  assert.equal(app.nats.limits.conn, -1, 'unlimited like nsc');

  const creds = join(dir, 'alice.creds');
  const out = await ok(['create', 'user', '--name', 'alice', '--account-seed', t.appSk, '--account-jwt', t.app, '--creds', creds, '--pub-allow', 'app.>', '--expiry', '30d']);
  assert.doesNotMatch(out, SEED);
  assert.equal(mode(creds), '600');
  const text = readFileSync(creds, 'utf8');
  const { jwt, seed } = J.parseUserCreds(text);
  // Byte for byte what the Go library's FormatUserConfig (nsc generate creds) writes.
  assert.equal(
    text,
    `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\nNKEYs are sensitive and should be treated as secrets.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n*************************************************************\n`,
  );
  const user = J.decodeUserJwt(jwt);
  assert.equal(user.nats.issuerAccount, app.sub);
  assert.equal(user.iss, app.nats.signingKeys.keys().next().value);
  assert.ok(user.exp > Date.now() / 1000 + 29 * 86_400);
  assert.equal(fromSeed(new TextEncoder().encode(seed)).getPublicKey(), user.sub);

  // Refuses to replace files; --show-seed and creds --print are the only ways a seed reaches stdout.
  // The binary: exit status 1 and the reason on stderr.
  const again = sb(['create', 'user', '--name', 'x', '--account-seed', t.appSeed, '--creds', creds]);
  assert.equal(again.code, 1);
  assert.match(again.err, /^switchboard jwt: .*exists \(use --force to replace it\)/);
  assert.equal(again.out, '');
  assert.match(await ok(['create', 'user', '--name', 'y', '--account-seed', t.appSeed, '--creds', join(dir, 'y.creds'), '--show-seed']), SEED);
  assert.match(await fails(['creds', '--jwt', creds, '--seed', creds]), /give --out FILE, or --print/);
  assert.match(await ok(['creds', '--jwt', creds, '--seed', creds, '--print']), SEED);
  const described = JSON.parse(await ok(['describe', creds])) as { kind: string; verified: boolean; sub: string };
  assert.deepEqual([described.kind, described.verified, described.sub], ['user', true, user.sub]);
  assert.doesNotMatch(await ok(['describe', creds]), SEED);
});

test('reads nsc-style and @nats-io/jwt files: decorated JWTs and seeds, creds made elsewhere', async () => {
  const dir = tmpDir('jwt-cli-nsc');
  const t = await makeTree(dir);
  // A decorated account JWT and a decorated seed (nsc describe / nsc export keys style).
  writeFileSync(join(dir, 'app-decorated.jwt'), J.decorateJwt(readFileSync(t.app, 'utf8')));
  writeFileSync(join(dir, 'app-sk-decorated.nk'), J.decorateSeed(readFileSync(t.appSk, 'utf8')));
  await ok(['create', 'user', '--name', 'bob', '--account-seed', join(dir, 'app-sk-decorated.nk'), '--account-jwt', join(dir, 'app-decorated.jwt'), '--creds', join(dir, 'bob.creds'), '--jwt', join(dir, 'bob.jwt'), '--seed', join(dir, 'bob.nk')]);
  assert.equal(mode(join(dir, 'bob.nk')), '600');
  // creds from separate .jwt and .nk files are the same file.
  await ok(['creds', '--jwt', join(dir, 'bob.jwt'), '--seed', join(dir, 'bob.nk'), '--out', join(dir, 'bob2.creds')]);
  assert.equal(readFileSync(join(dir, 'bob2.creds'), 'utf8'), readFileSync(join(dir, 'bob.creds'), 'utf8'));
  // A creds file written by @nats-io/jwt (its own wording) is read too.
  const appKp = fromSeed(new TextEncoder().encode(readFileSync(t.appSeed, 'utf8')));
  const ukp = createUser();
  const jsCreds = fmtCreds(await encodeUser('js', ukp, appKp), ukp);
  writeFileSync(join(dir, 'js.creds'), jsCreds);
  await ok(['creds', '--jwt', join(dir, 'js.creds'), '--seed', join(dir, 'js.creds'), '--out', join(dir, 'js2.creds')]);
  assert.equal(J.parseUserCreds(readFileSync(join(dir, 'js2.creds'), 'utf8')).seed, new TextDecoder().decode(ukp.getSeed()));
  // A seed that is not the user's is refused.
  assert.match(await fails(['creds', '--jwt', join(dir, 'js.creds'), '--seed', join(dir, 'bob.nk'), '--print']), /not the key of user/);
});

test('signing keys and revocations re-sign the JWT', async () => {
  const dir = tmpDir('jwt-cli-edit');
  const t = await makeTree(dir);
  await ok(['add', 'signing-key', '--jwt', t.op, '--seed', t.opSeed, '--new-seed', join(dir, 'op-sk2.nk')]);
  assert.equal(J.decodeOperatorJwt(readFileSync(t.op, 'utf8')).nats.signingKeys.length, 2);
  assert.equal(mode(join(dir, 'op-sk2.nk')), '600');
  await ok(['add', 'signing-key', '--jwt', t.app, '--seed', t.appSeed, '--operator-seed', t.opSk, '--new-seed', join(dir, 'app-sk2.nk')]);
  const app = J.decodeAccountJwt(readFileSync(t.app, 'utf8'));
  assert.equal(app.nats.signingKeys.size, 2);
  assert.equal(app.nats.limits.conn, -1, 'the rest of the account is kept');
  const u = createUser().getPublicKey();
  await ok(['revoke', 'user', '--account-jwt', t.app, '--operator-seed', t.opSk, '--user', u, '--at', '1000']);
  assert.deepEqual(J.decodeAccountJwt(readFileSync(t.app, 'utf8')).nats.revocations, { [u]: 1000 });
  assert.match(await fails(['add', 'signing-key', '--jwt', t.app, '--seed', t.opSeed, '--new-seed', join(dir, 'x.nk')]), /expected a SA seed/);
});

test('end to end with nats-server 2.9.10: the CLI creds connect, permissions hold, a pushed revocation cuts the client', { skip: natsServerAvailable() ? false : 'nats-server is not on PATH' }, async () => {
  const dir = tmpDir('jwt-cli-e2e');
  const t = await makeTree(dir);
  const p = (n: string) => join(dir, n);
  await ok(['create', 'user', '--name', 'alice', '--account-seed', t.appSk, '--account-jwt', t.app, '--creds', p('alice.creds'), '--pub-allow', 'app.>', '--sub-allow', 'app.>', '--sub-allow', '_INBOX.>']);
  await ok(['create', 'user', '--name', 'admin', '--account-seed', t.sysSeed, '--creds', p('admin.creds')]);
  const sysPub = J.decodeAccountJwt(readFileSync(t.sys, 'utf8')).sub;
  const appPub = J.decodeAccountJwt(readFileSync(t.app, 'utf8')).sub;
  writeFileSync(
    p('server.conf'),
    `operator: "${t.op}"\nsystem_account: ${sysPub}\nresolver: MEMORY\nresolver_preload: {\n  ${sysPub}: "${readFileSync(t.sys, 'utf8')}"\n  ${appPub}: "${readFileSync(t.app, 'utf8')}"\n}\n`,
  );
  const srv = await startProcess('nats-server', ['-c', p('server.conf')]);
  procs.push(srv);

  const alice = await connect({ servers: srv.url, reconnect: false, authenticator: credsAuthenticator(readFileSync(p('alice.creds'))) });
  clients.push(alice);
  let closed = false;
  void alice.closed().then(() => (closed = true));
  const got: string[] = [];
  alice.subscribe('app.>', { callback: (_e, m) => got.push(m.subject) });
  alice.publish('app.hello');
  alice.publish('other.subject');
  await alice.flush();
  await waitFor(() => got.length > 0, 10_000, 'the message');
  assert.deepEqual(got, ['app.hello']);

  // A user signed by a key the account does not list is refused.
  const rogue = createUser();
  const rogueCreds = fmtCreds(await encodeUser('rogue', rogue, appPub, {}, { signer: fromSeed(new TextEncoder().encode(readFileSync(t.sysSeed, 'utf8'))) }), rogue);
  await assert.rejects(connect({ servers: srv.url, reconnect: false, authenticator: credsAuthenticator(rogueCreds) }), /Authorization Violation/i);

  // Revoke alice with the CLI and push the new account JWT as an operator tool would.
  const aliceKey = J.decodeUserJwt(J.parseUserCreds(readFileSync(p('alice.creds'), 'utf8')).jwt).sub;
  await ok(['revoke', 'user', '--account-jwt', t.app, '--operator-seed', t.opSk, '--creds', p('alice.creds')]);
  const admin = await connect({ servers: srv.url, reconnect: false, authenticator: credsAuthenticator(readFileSync(p('admin.creds'))) });
  clients.push(admin);
  const reply = await admin.request(`$SYS.REQ.ACCOUNT.${appPub}.CLAIMS.UPDATE`, new TextEncoder().encode(readFileSync(t.app, 'utf8')), { timeout: 5000 });
  assert.deepEqual((JSON.parse(new TextDecoder().decode(reply.data)) as { data: unknown }).data, { account: appPub, code: 200, message: 'jwt updated' });
  await waitFor(() => closed, 10_000, 'the revoked client to be cut');
  assert.deepEqual(J.decodeAccountJwt(readFileSync(t.app, 'utf8')).nats.revocations?.[aliceKey] !== undefined, true);
});
