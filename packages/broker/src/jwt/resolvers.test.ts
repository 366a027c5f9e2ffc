import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { encodeGeneric } from '@nats-io/jwt';
import { createAccount } from '@nats-io/nkeys';
import { DirJwtStore, DirResolver } from './dir-store.js';
import { MemoryResolver, UrlResolver, redactUrl } from './resolvers.js';
import { createResolver } from './create-resolver.js';
import { accountClaimUpdate, dirClaimsUpdate, dirDelete, dirList, dirLookup, dirMergePackReply, dirPack, dirUpdateBySubject, operatorKeysOf, withServer } from './sys-handlers.js';
import { decodeOperatorJwt } from './claims.js';
import { makeAccount, makeOperator, nowSec } from './fixtures.test.js';

const root = mkdtempSync(join(tmpdir(), 'sb-jwt-res-'));
const servers: Server[] = [];
after(async () => {
  rmSync(root, { recursive: true, force: true });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});
let n = 0;
const newDir = (): string => join(root, `d${n++}`);

test('memory resolver: preloads, updates, missing accounts', async () => {
  const r = new MemoryResolver({ A1: 'jwt1' });
  assert.equal(await r.fetch('A1'), 'jwt1');
  await assert.rejects(r.fetch('A2'), /account missing/);
  await r.update('A2', 'jwt2');
  assert.deepEqual((await r.list()).sort(), ['A1', 'A2']);
  await r.delete('A1');
  await assert.rejects(r.fetch('A1'), /account missing/);
  assert.equal(r.readOnly, false);
});

test('URL resolver: GET <url>/<account>, 200 required, timeout, optional cache, read-only', async () => {
  let hits = 0;
  const srv = createServer((req, res) => {
    hits++;
    if (req.url === '/jwt/v1/accounts/AGOOD') res.end('the-jwt');
    else if (req.url === '/jwt/v1/accounts/ASLOW') setTimeout(() => res.end('late'), 2000);
    else {
      res.statusCode = 404;
      res.statusMessage = 'Not Found';
      res.end();
    }
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const r = new UrlResolver(`http://127.0.0.1:${port}/jwt/v1/accounts`);
  assert.equal(r.url, `http://127.0.0.1:${port}/jwt/v1/accounts/`);
  assert.equal(await r.fetch('AGOOD'), 'the-jwt');
  await assert.rejects(r.fetch('AMISSING'), new RegExp(`could not fetch <"http://127.0.0.1:${port}/jwt/v1/accounts/AMISSING">: 404 Not Found`));
  const fast = new UrlResolver(`http://127.0.0.1:${port}/jwt/v1/accounts/`, { timeoutMs: 200 });
  await assert.rejects(fast.fetch('ASLOW'), /could not fetch/);
  await assert.rejects(r.update(), /store operation not supported for URL Resolver/);
  let t = 0;
  const cached = new UrlResolver(`http://127.0.0.1:${port}/jwt/v1/accounts/`, { cacheTtlMs: 1000, now: () => t });
  const before = hits;
  await cached.fetch('AGOOD');
  await cached.fetch('AGOOD');
  assert.equal(hits - before, 1, 'second fetch served from the cache');
  t = 2000;
  await cached.fetch('AGOOD');
  assert.equal(hits - before, 2, 'the cache entry expired');
  await assert.rejects(new UrlResolver('/accounts').fetch(''), /unsupported protocol scheme/);
  assert.equal(redactUrl('http://u:secret@h/x'), 'http://u:xxxxx@h/x');
});

test('directory store: files, hash, save vs saveIfNewer, limits, delete', async () => {
  const op = await makeOperator();
  const kp = createAccount();
  const v1 = await makeAccount(op.kp, {}, { kp });
  await new Promise((r) => setTimeout(r, 1100));
  const v2 = await makeAccount(op.kp, { tags: ['new'] }, { kp });
  const dir = newDir();
  const store = new DirJwtStore({ dir, type: 'full', allowDelete: true });
  assert.ok(statSync(dir).isDirectory(), 'the directory is created');
  assert.deepEqual(store.hash(), Buffer.alloc(32));
  const changed: string[] = [];
  store.onChanged = (a) => changed.push(a);
  assert.equal(store.saveIfNewer(kp.getPublicKey(), v2.jwt), true);
  assert.equal(readFileSync(join(dir, `${kp.getPublicKey()}.jwt`), 'utf8'), v2.jwt);
  assert.equal((statSync(join(dir, `${kp.getPublicKey()}.jwt`)).mode & 0o777).toString(8), '640');
  assert.deepEqual(store.hash(), createHash('sha256').update(v2.jwt).digest());
  // An older JWT does not replace a newer one through saveIfNewer, but a pushed save does.
  assert.equal(store.saveIfNewer(kp.getPublicKey(), v1.jwt), false);
  assert.equal(store.load(kp.getPublicKey()), v2.jwt);
  assert.equal(store.save(kp.getPublicKey(), v1.jwt), true);
  assert.equal(store.save(kp.getPublicKey(), v1.jwt), false, 'same content: no change');
  assert.deepEqual(changed, [kp.getPublicKey(), kp.getPublicKey()]);
  // A JWT for another account under this key is refused when a file exists.
  const other = await makeAccount(op.kp);
  assert.throws(() => store.saveIfNewer(kp.getPublicKey(), other.jwt), /jwt subject nkey and provided nkey do not match/);
  assert.throws(() => store.load('nope'), /invalid public key/);
  // Reopening finds the same index and hash.
  const again = new DirJwtStore({ dir, type: 'full' });
  assert.deepEqual(again.hash(), store.hash());
  assert.throws(() => again.delete(kp.getPublicKey()), /store is not set up to for delete/);
  // Delete renames the file and leaves the index.
  const deleted: string[] = [];
  store.onDeleted = (a) => deleted.push(a);
  store.delete(kp.getPublicKey());
  assert.ok(existsSync(join(dir, `${kp.getPublicKey()}.jwt.deleted`)));
  assert.deepEqual(deleted, [kp.getPublicKey()]);
  assert.deepEqual(store.hash(), Buffer.alloc(32));
  // Limits: full refuses, cache evicts the least recently used.
  const full = new DirJwtStore({ dir: newDir(), type: 'full', limit: 1 });
  const a1 = await makeAccount(op.kp);
  const a2 = await makeAccount(op.kp);
  const a3 = await makeAccount(op.kp);
  full.save(a1.pub, a1.jwt);
  assert.throws(() => full.save(a2.pub, a2.jwt), /jwt store is full/);
  const cache = new DirJwtStore({ dir: newDir(), type: 'cache', limit: 2 });
  cache.save(a1.pub, a1.jwt);
  cache.save(a2.pub, a2.jwt);
  cache.load(a1.pub);
  cache.save(a3.pub, a3.jwt);
  assert.deepEqual([cache.has(a1.pub), cache.has(a2.pub), cache.has(a3.pub)], [true, false, true]);
  assert.ok(!existsSync(join(cache.directory, `${a2.pub}.jwt`)));
});

test('directory store: expiry sweep, pack/list skip expired JWTs, merge applies the newer', async () => {
  const op = await makeOperator();
  let now = Date.now();
  const store = new DirJwtStore({ dir: newDir(), type: 'full', now: () => now });
  const live = await makeAccount(op.kp);
  const soon = await makeAccount(op.kp, {}, { exp: nowSec() + 2 });
  store.save(live.pub, live.jwt);
  store.save(soon.pub, soon.jwt);
  assert.deepEqual(store.list().sort(), [live.pub, soon.pub].sort());
  now += 5000;
  assert.deepEqual(store.list(), [live.pub], 'an expired JWT is not packed');
  assert.deepEqual(store.sweepExpired(), [soon.pub]);
  assert.equal(store.size, 1);
  const other = new DirJwtStore({ dir: newDir(), type: 'full' });
  for (const m of store.pack(1)) other.merge(m);
  assert.deepEqual(other.hash(), store.hash());
  assert.throws(() => other.merge('x|y|z'), /didn't contain 2 entries/);
  assert.throws(() => other.merge('NOTAKEY|y'), /not a valid public account key/);
  const cache = new DirJwtStore({ dir: newDir(), type: 'cache', ttlMs: 1000, now: () => now });
  cache.save(live.pub, live.jwt);
  now += 1500;
  assert.deepEqual(cache.sweepExpired(), [live.pub]);
});

test('directory resolver: local JWT, else a remote lookup stored locally', async () => {
  const op = await makeOperator();
  const a = await makeAccount(op.kp);
  const r = new DirResolver({ dir: newDir(), type: 'full' });
  await assert.rejects(r.fetch(a.pub), /no such file or directory/);
  r.remoteLookup = async (acc, timeout) => {
    assert.equal(timeout, 1900);
    return acc === a.pub ? a.jwt : Promise.reject(new Error('fetching jwt timed out'));
  };
  assert.equal(await r.fetch(a.pub), a.jwt);
  r.remoteLookup = undefined;
  assert.equal(await r.fetch(a.pub), a.jwt, 'stored after the lookup');
  await r.close();
  assert.throws(() => new DirResolver({ dir: newDir(), type: 'full', fetchTimeoutMs: 0 }), /Fetch timeout 0ms is too smal/);
  const mem = await createResolver({ type: 'memory' }, { preload: { [a.pub]: a.jwt } });
  assert.equal(await mem.fetch(a.pub), a.jwt);
  const dirRes = await createResolver({ type: 'full', dir: newDir() }, { preload: { [a.pub]: a.jwt } });
  assert.equal(await dirRes.fetch(a.pub), a.jwt);
  await dirRes.close();
});

test('$SYS resolver handlers: update, lookup, list, pack, delete replies and store effects', async () => {
  const sysKp = createAccount();
  const op = await makeOperator({ system_account: sysKp.getPublicKey() });
  const opKeys = operatorKeysOf(decodeOperatorJwt(op.jwt));
  const store = new DirJwtStore({ dir: newDir(), type: 'full', allowDelete: true });
  const ctx = { store, operator: opKeys };
  const a = await makeAccount(op.kp);
  const b = await makeAccount(op.sk);
  assert.deepEqual(dirClaimsUpdate(ctx, a.jwt).reply, { data: { account: a.pub, code: 200, message: 'jwt updated' } });
  assert.deepEqual(dirUpdateBySubject(ctx, `$SYS.REQ.ACCOUNT.${b.pub}.CLAIMS.UPDATE`, b.jwt).reply, { data: { account: b.pub, code: 200, message: 'jwt updated' } });
  assert.deepEqual(dirUpdateBySubject(ctx, `$SYS.ACCOUNT.${a.pub}.CLAIMS.UPDATE`, b.jwt).reply, {
    error: { account: a.pub, code: 500, description: 'jwt update resulted in error - subject does not match jwt content' },
  });
  assert.deepEqual(dirClaimsUpdate(ctx, 'garbage').reply, { error: { account: 'n/a', code: 500, description: 'jwt update resulted in error - expected 3 chunks' } });
  const invalid = await makeAccount(op.kp, { limits: {}, exports: [{ name: 'x', subject: 'x', type: 'stream' }] });
  assert.deepEqual(dirClaimsUpdate(ctx, invalid.jwt).reply, {
    error: { account: invalid.pub, code: 500, description: 'jwt validation failed - validation errors: [the account contains more exports than allowed by the operator]' },
  });
  assert.equal(store.has(invalid.pub), false);
  assert.deepEqual(dirLookup(store, `$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.LOOKUP`, true).reply, a.jwt);
  assert.equal(dirLookup(store, `$SYS.REQ.ACCOUNT.${invalid.pub}.CLAIMS.LOOKUP`, true).reply, undefined);
  assert.deepEqual(dirList(store, true).reply!.data.sort(), [a.pub, b.pub].sort());
  assert.deepEqual(dirPack(store, store.hash(), true).reply, ['']);
  const packed = dirPack(store, Buffer.alloc(32), true).reply!;
  assert.equal(packed.length, 3);
  assert.equal(packed[2], '');
  const mirror = new DirJwtStore({ dir: newDir(), type: 'full' });
  for (const m of packed) dirMergePackReply(mirror, m);
  assert.deepEqual(mirror.hash(), store.hash());
  // Delete: a generic JWT self-signed by the operator naming the accounts.
  const del = await encodeGeneric('del', op.kp, 'generic', { accounts: [a.pub] });
  assert.deepEqual(dirDelete({ ...ctx, systemAccount: sysKp.getPublicKey() }, del).reply, { data: { code: 200, message: 'deleted 1 accounts' } });
  assert.equal(store.has(a.pub), false);
  const delSys = await encodeGeneric('del', op.kp, 'generic', { accounts: [sysKp.getPublicKey()] });
  assert.deepEqual(dirDelete({ ...ctx, systemAccount: sysKp.getPublicKey() }, delSys).reply, {
    error: { code: 500, description: `delete accounts request by ${op.pub} failed - not allowed to delete system account` },
  });
  const byAccount = await encodeGeneric('del', createAccount(), 'generic', { accounts: [b.pub] });
  assert.match(JSON.stringify(dirDelete(ctx, byAccount).reply), /not trusted/);
  assert.equal(withServer({ data: ['A'] }, { id: 'X' }), '{"data":["A"],"server":{"id":"X"}}');
});

test('$SYS update to a memory/URL resolver server: only loaded accounts, apply decides', async () => {
  const op = await makeOperator();
  const a = await makeAccount(op.kp);
  const subject = `$SYS.REQ.ACCOUNT.${a.pub}.CLAIMS.UPDATE`;
  assert.deepEqual(accountClaimUpdate(subject, a.jwt, { isLoaded: () => false, apply: () => undefined }).reply, { data: { account: a.pub, code: 200, message: 'jwt update skipped' } });
  assert.deepEqual(accountClaimUpdate(subject, a.jwt, { isLoaded: () => true, apply: () => 'account validation failed' }).reply, {
    error: { account: a.pub, code: 500, description: 'jwt update resulted in error - account validation failed' },
  });
  assert.deepEqual(accountClaimUpdate(subject, '', { isLoaded: () => true, apply: () => undefined }).reply, {
    error: { account: a.pub, code: 500, description: 'jwt update error - request body is empty' },
  });
  let applied = '';
  assert.deepEqual(accountClaimUpdate(subject, a.jwt, { isLoaded: () => true, apply: (_acc, jwt) => void (applied = jwt) }).reply, { data: { account: a.pub, code: 200, message: 'jwt updated' } });
  assert.equal(applied, a.jwt);
});
