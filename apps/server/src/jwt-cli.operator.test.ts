/*
 * `switchboard jwt` for the pieces that spare an operator nsc: a private export, an activation
 * token for it (`create activation`) added to the importer (`add import --import-token`), a
 * scoped account signing key (`add signing-key --role` with a template) and its users, users with
 * source networks and time windows. The files run unchanged on nats-server 2.9.10 and on a
 * Switchboard process with the same config, with the same outcomes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwt as J } from '@switchboard/broker';
import { runJwt } from './jwt-cli.js';
import { natsServerAvailable, startProcess, type ProcServer } from '../../../test/helpers/servers.js';
import { checkScenario, type Scenario } from '../../../test/helpers/operator-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'jwt-cli-op-'));
const procs: ProcServer[] = [];
after(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});
const p = (n: string) => join(dir, n);
const run = async (args: string[]) => (await runJwt(args)).join('\n');
async function fails(args: string[]): Promise<string> {
  try {
    await runJwt(args);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`switchboard jwt ${args.join(' ')} should fail`);
}
const keyOf = (file: string) => J.decodeJwt(readFileSync(file, 'utf8').trim()).sub;

let conf = '';
const scenario = {} as Scenario;

test('create activation, add import, a scoped signing key and its users, users with src and times', async () => {
  await run(['create', 'operator', '--name', 'OP', '--jwt', p('op.jwt'), '--seed', p('op.nk'), '--sys', '--sys-jwt', p('sys.jwt'), '--sys-seed', p('sys.nk')]);
  await run(['create', 'account', '--name', 'EXP', '--operator-seed', p('op.nk'), '--jwt', p('exp.jwt'), '--seed', p('exp.nk'), '--private-export', 'stream:private.>']);
  await run(['create', 'account', '--name', 'IMP', '--operator-seed', p('op.nk'), '--jwt', p('imp.jwt'), '--seed', p('imp.nk')]);
  const imp = keyOf(p('imp.jwt'));
  assert.equal(J.decodeAccountJwt(readFileSync(p('exp.jwt'), 'utf8')).nats.exports[0]!.tokenReq, true);

  assert.match(await fails(['create', 'activation', '--account-seed', p('exp.nk'), '--account-jwt', p('exp.jwt'), '--target-account', imp, '--subject', 'other.>', '--out', p('x.jwt')]), /exports nothing/);
  const out = await run(['create', 'activation', '--account-seed', p('exp.nk'), '--account-jwt', p('exp.jwt'), '--target-account', imp, '--subject', 'private.>', '--expiry', '30d', '--out', p('act.jwt')]);
  assert.match(out, /activation: stream private\.> of A\w+ for A\w+/);
  const act = J.decodeActivationJwt(readFileSync(p('act.jwt'), 'utf8').trim());
  assert.equal(act.sub, imp);
  assert.equal(act.nats.kind, 'stream');
  assert.ok(act.exp > 0);
  // A token for another account is refused when added (the jwt library's import validation).
  await run(['create', 'activation', '--account-seed', p('exp.nk'), '--account-jwt', p('exp.jwt'), '--target-account', keyOf(p('sys.jwt')), '--subject', 'private.>', '--out', p('act-sys.jwt')]);
  assert.match(await fails(['add', 'import', '--jwt', p('imp.jwt'), '--operator-seed', p('op.nk'), '--import-token', p('act-sys.jwt')]), /activation token doesn't match account it is being included in/);
  await run(['add', 'import', '--jwt', p('imp.jwt'), '--operator-seed', p('op.nk'), '--import-token', p('act.jwt')]);
  assert.equal(J.decodeAccountJwt(readFileSync(p('imp.jwt'), 'utf8')).nats.imports[0]!.token, readFileSync(p('act.jwt'), 'utf8').trim());

  const sk = await run(['add', 'signing-key', '--jwt', p('imp.jwt'), '--seed', p('imp.nk'), '--new-seed', p('imp-ops.nk'), '--operator-seed', p('op.nk'), '--role', 'ops', '--pub-allow', 'ops.{{name()}}.>', '--sub-allow', 'ops.>']);
  assert.match(sk, /scoped signing key \(role ops\)/);
  const scope = [...J.decodeAccountJwt(readFileSync(p('imp.jwt'), 'utf8')).nats.signingKeys.values()][0]!;
  assert.equal(scope?.role, 'ops');
  assert.deepEqual(scope?.template.pub.allow, ['ops.{{name()}}.>']);

  assert.match(await fails(['create', 'user', '--name', 'bob', '--account-seed', p('imp-ops.nk'), '--account-jwt', p('imp.jwt'), '--creds', p('bad.creds'), '--pub-allow', 'x']), /scoped .*drop --pub-allow/);
  assert.match(await run(['create', 'user', '--name', 'bob', '--account-seed', p('imp-ops.nk'), '--account-jwt', p('imp.jwt'), '--creds', p('bob.creds')]), /scoped signing key, role ops/);
  const bob = J.decodeUserJwt(J.parseDecoratedJwt(readFileSync(p('bob.creds'), 'utf8')).trim());
  assert.equal(bob.nats.emptyPermissions, true);

  assert.match(await fails(['create', 'user', '--name', 'x', '--account-seed', p('imp.nk'), '--creds', p('x.creds'), '--src', '10.0.0.1']), /--src "10\.0\.0\.1"/);
  assert.match(await fails(['create', 'user', '--name', 'x', '--account-seed', p('imp.nk'), '--creds', p('x.creds'), '--time', '8-17']), /--time/);
  assert.match(await fails(['create', 'user', '--name', 'x', '--account-seed', p('imp.nk'), '--creds', p('x.creds'), '--locale', 'Mars/Base']), /--locale/);
  await run(['create', 'user', '--name', 'fields', '--account-seed', p('imp.nk'), '--creds', p('fields.creds'), '--src', '127.0.0.0/8', '--time', '00:00:00-23:59:59', '--locale', 'UTC', '--resp-max', '2', '--resp-ttl', '5s', '--tag', 'blue']);
  const fields = JSON.parse(Buffer.from(J.parseDecoratedJwt(readFileSync(p('fields.creds'), 'utf8')).trim().split('.')[1]!, 'base64url').toString());
  assert.equal(fields.nats.times_location, 'UTC');
  assert.deepEqual(fields.nats.times, [{ start: '00:00:00', end: '23:59:59' }]);
  await run(['create', 'user', '--name', 'remote', '--account-seed', p('imp.nk'), '--creds', p('remote.creds'), '--src', '10.99.0.0/16']);
  await run(['create', 'user', '--name', 'pub', '--account-seed', p('exp.nk'), '--creds', p('pub.creds')]);
  await run(['create', 'user', '--name', 'sub', '--account-seed', p('imp.nk'), '--creds', p('sub.creds')]);
  await run(['create', 'user', '--name', 'observer', '--account-seed', p('imp.nk'), '--creds', p('observer.creds')]);

  const read = (n: string) => readFileSync(p(n), 'utf8');
  Object.assign(scenario, {
    exporterCreds: read('pub.creds'),
    importerCreds: read('sub.creds'),
    scopedCreds: read('bob.creds'),
    scopedName: 'bob',
    observerCreds: read('observer.creds'),
    remoteOnlyCreds: read('remote.creds'),
    fieldsCreds: read('fields.creds'),
  });
  const preload = ['sys', 'exp', 'imp'].map((n) => `  ${keyOf(p(`${n}.jwt`))}: "${read(`${n}.jwt`).trim()}"`).join('\n');
  conf = p('server.conf');
  writeFileSync(conf, `operator: "${p('op.jwt')}"\nsystem_account: ${keyOf(p('sys.jwt'))}\nresolver: MEMORY\nresolver_preload: {\n${preload}\n}\n`);
});

test('the files on nats-server 2.9.10', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
  const ns = await startProcess('nats-server', ['-c', conf]);
  procs.push(ns);
  await checkScenario(ns.url, scenario);
});

test('the same files on a Switchboard process', async () => {
  const sb = await startProcess('switchboard', ['-c', conf]);
  procs.push(sb);
  await checkScenario(sb.url, scenario);
});
