/**
 * Operator mode configuration: the keys parse as nats-server 2.9.10 parses them (differential
 * `-t` runs with real JWTs made here), render back, diff with nats-server's reload rules, and
 * the start-time checks give nats-server's first error (differential start runs). Until the
 * server integration lands, a server refuses to start in operator mode.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { resolveOptions } from '@switchboard/shared';
import { checkConfigFile, parseConfigText } from './load.js';
import { writeConfig } from './writer.js';
import { patchConfigText } from './patch.js';
import { blockingChanges, diffOptions } from './diff.js';
import { formatDecoratedJwt } from '../jwt/creds.js';
import { operatorModeStartErrors, validateOperatorMode } from '../jwt/options.js';
import { createServer } from '../switchboard.js';
import { makeAccount, makeOperator } from '../jwt/fixtures.test.js';

const hasNats = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasNats ? false : 'nats-server is not on PATH';
const dir = mkdtempSync(join(tmpdir(), 'sb-opconf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function natsCheck(file: string): { ok: boolean; out: string } {
  const r = spawnSync('nats-server', ['-t', '-c', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const firstPosition = (out: string): [number, number] | undefined => {
  const m = /\.conf:(\d+):(\d+):/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

interface Fixture {
  opFile: string;
  opJwt: string;
  opSys: string;
  opSysFile: string;
  decorated: string;
  accPub: string;
  accJwt: string;
  otherOpKey: string;
  dirOk: string;
  fileNotDir: string;
}

async function fixture(): Promise<Fixture> {
  const op = await makeOperator();
  const sys = createAccount();
  const opSys = await makeOperator({ system_account: sys.getPublicKey() });
  const acc = await makeAccount(op.kp);
  const opFile = join(dir, 'op.jwt');
  writeFileSync(opFile, op.jwt);
  const opSysFile = join(dir, 'op-sys.jwt');
  writeFileSync(opSysFile, opSys.jwt);
  const decorated = join(dir, 'op-decorated.jwt');
  writeFileSync(decorated, formatDecoratedJwt('operator', op.jwt));
  const dirOk = join(dir, 'jwts');
  mkdirSync(dirOk, { recursive: true });
  return { opFile, opJwt: op.jwt, opSys: sys.getPublicKey(), opSysFile, decorated, accPub: acc.pub, accJwt: acc.jwt, otherOpKey: createOperator().getPublicKey(), dirOk, fileNotDir: opFile };
}

test('differential -t: operator mode keys accepted and refused as nats-server does, at the same place', { skip }, async () => {
  const f = await fixture();
  const cases: { name: string; text: string; pos?: boolean }[] = [
    { name: 'operator file + MEMORY', text: `port: 1\noperator: "${f.opFile}"\nresolver: MEMORY\n` },
    { name: 'inline operator JWT', text: `port: 1\noperator: ${f.opJwt}\nresolver: MEM\n` },
    { name: 'decorated operator file', text: `port: 1\nroot_operator: "${f.decorated}"\nresolver: "URL(\\"http://localhost:9/x\\")"\n` },
    { name: 'aliases', text: `port: 1\noperators: "${f.opFile}"\naccount_resolver: URL(http://localhost:9/jwt/v1/accounts/)\n` },
    { name: 'operator list', text: `port: 1\noperator: ["${f.opFile}"]\n`, pos: true },
    { name: 'operator number', text: `port: 1\noperator: 5\n`, pos: true },
    { name: 'operator missing file', text: `port: 1\noperator: "${join(dir, 'nope.jwt')}"\n`, pos: true },
    { name: 'operator tampered inline', text: `port: 1\noperator: "${f.opJwt}x"\n`, pos: true },
    { name: 'operator is an account JWT', text: `port: 1\noperator: ${f.accJwt}\n`, pos: true },
    { name: 'resolver MEM anywhere', text: `port: 1\nresolver: "a memory b"\n` },
    { name: 'resolver unknown', text: `port: 1\nresolver: FOO\n`, pos: true },
    { name: 'resolver number', text: `port: 1\nresolver: 5\n`, pos: true },
    { name: 'resolver bad url', text: `port: 1\nresolver: "URL(http://%zz)"\n`, pos: true },
    { name: 'full resolver', text: `port: 1\nresolver: { type: full, dir: "${f.dirOk}", allow_delete: true, interval: "2m", limit: 1000, timeout: "3s" }\n` },
    { name: 'cache resolver', text: `port: 1\nresolver: { type: CACHE, dir: "${f.dirOk}", ttl: "2m", limit: 10 }\n` },
    { name: 'resolver unknown keys ignored', text: `port: 1\nresolver: { type: full, dir: "${f.dirOk}", bogus: 1 }\n` },
    { name: 'resolver without dir', text: `port: 1\nresolver: { type: full }\n`, pos: true },
    { name: 'resolver empty dir', text: `port: 1\nresolver: { type: full, dir: "" }\n`, pos: true },
    { name: 'resolver dir is a file', text: `port: 1\nresolver: { type: full, dir: "${f.fileNotDir}" }\n`, pos: true },
    { name: 'resolver other type', text: `port: 1\nresolver: { type: other, dir: "${f.dirOk}" }\n`, pos: true },
    { name: 'resolver dir number', text: `port: 1\nresolver: {\n  type: full\n  dir: 5\n}\n`, pos: true },
    { name: 'resolver limit string', text: `port: 1\nresolver: {\n  type: full\n  dir: "${f.dirOk}"\n  limit: "x"\n}\n`, pos: true },
    { name: 'resolver allow_delete string', text: `port: 1\nresolver: {\n  type: full\n  dir: "${f.dirOk}"\n  allow_delete: "x"\n}\n`, pos: true },
    { name: 'full with ttl', text: `port: 1\nresolver: { type: full, dir: "${f.dirOk}", ttl: "1m" }\n`, pos: true },
    { name: 'cache with sync and delete', text: `port: 1\nresolver: { type: cache, dir: "${f.dirOk}", interval: "1m", allow_delete: true }\n`, pos: true },
    { name: 'timeout zero', text: `port: 1\nresolver: { type: full, dir: "${f.dirOk}", timeout: "0s" }\n`, pos: true },
    { name: 'timeout bad', text: `port: 1\nresolver: { type: full, dir: "${f.dirOk}", timeout: "x" }\n`, pos: true },
    { name: 'resolver_tls', text: `port: 1\nresolver: MEMORY\nresolver_tls { insecure: true, timeout: 2 }\n` },
    { name: 'resolver_tls unknown field', text: `port: 1\nresolver_tls {\n  nope: 1\n}\n`, pos: true },
    { name: 'preload', text: `port: 1\nresolver: MEMORY\nresolver_preload: {\n  ${f.accPub}: "${f.accJwt}"\n}\n` },
    { name: 'preload junk', text: `port: 1\nresolver_preload: {\n  ${f.accPub}: "junk"\n}\n`, pos: true },
    { name: 'preload operator JWT', text: `port: 1\nresolver_preload: {\n  ${f.accPub}: "${f.opJwt}"\n}\n`, pos: true },
    { name: 'preload number', text: `port: 1\nresolver_preload: {\n  ${f.accPub}: 5\n}\n`, pos: true },
    { name: 'preload not a map', text: `port: 1\nresolver_preload: 5\n`, pos: true },
    { name: 'trusted key', text: `port: 1\ntrusted: ${f.otherOpKey}\n` },
    { name: 'trusted keys list', text: `port: 1\ntrusted_keys: ["${f.otherOpKey}", "${createOperator().getPublicKey()}"]\n` },
    { name: 'trusted bad key in list', text: `port: 1\ntrusted: [\n  "${f.otherOpKey}"\n  "OBAD"\n]\n`, pos: true },
    { name: 'trusted account key', text: `port: 1\ntrusted: ${f.accPub}\n`, pos: true },
    { name: 'trusted number', text: `port: 1\ntrusted: 5\n`, pos: true },
    { name: 'pinned accounts', text: `port: 1\nresolver_pinned_accounts: ["${f.accPub}", "anything"]\n` },
    { name: 'pinned account string', text: `port: 1\nresolver_pinned_accounts: foo\n` },
    { name: 'pinned accounts number item', text: `port: 1\nresolver_pinned_accounts: [\n  "a"\n  5\n]\n`, pos: true },
    { name: 'pinned accounts map', text: `port: 1\nresolver_pinned_accounts: { a: 1 }\n`, pos: true },
  ];
  for (const c of cases) {
    const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '_')}.conf`);
    writeFileSync(file, c.text);
    const nats = natsCheck(file);
    const ours = checkConfigFile(file, {});
    assert.equal(ours.ok, nats.ok, `${c.name}: nats-server ${nats.ok ? 'accepts' : 'refuses'} it\n${nats.out}\nours:\n${ours.output}`);
    // Cases with a position to compare are the refused ones; the others are accepted by both.
    assert.equal(nats.ok, !c.pos, `${c.name}: nats-server ${nats.ok ? 'accepts' : 'refuses'} it:\n${nats.out}`);
    if (c.pos) {
      const theirs = firstPosition(nats.out);
      assert.ok(theirs, `${c.name}: nats-server gave no position:\n${nats.out}`);
      const positions = ours.errors.map((e) => [e.line, e.line === 1 ? e.col - 1 : e.col]);
      assert.ok(
        positions.some(([l, col]) => l === theirs[0] && col === theirs[1]),
        `${c.name}: nats-server reports ${theirs.join(':')}, we report ${JSON.stringify(positions)}\n${nats.out}\n${ours.output}`,
      );
    }
  }
});

test('the model holds what the file says; the writer renders it back to an equal model', async () => {
  const f = await fixture();
  const text = [
    `operator: "${f.opFile}"`,
    `resolver: { type: full, dir: "${f.dirOk}", allow_delete: true, interval: "2m", limit: 10, timeout: "1500ms" }`,
    `resolver_preload: { ${f.accPub}: "${f.accJwt}" }`,
    `resolver_pinned_accounts: ["${f.accPub}"]`,
    `resolver_tls { insecure: true }`,
    `system_account: ${f.accPub}`,
    '',
  ].join('\n');
  const r = parseConfigText(text, 'op.conf');
  assert.deepEqual(r.errors, []);
  assert.equal(r.options.operator, f.opFile);
  assert.deepEqual(r.options.resolver, { type: 'full', dir: f.dirOk, allowDelete: true, interval: 120_000, limit: 10, timeout: 1500 });
  assert.deepEqual(r.options.resolverPreload, { [f.accPub]: f.accJwt });
  assert.deepEqual(r.options.resolverPinnedAccounts, [f.accPub]);
  assert.deepEqual(r.options.resolverTls, { insecure: true });
  for (const model of [r.options, { trustedKeys: [f.otherOpKey], resolver: { type: 'url' as const, url: 'http://h:9/jwt/v1/accounts/' } }, { resolver: { type: 'memory' as const } }, { resolver: { type: 'cache' as const, dir: f.dirOk, ttl: 60_000 } }]) {
    const written = writeConfig(model);
    const back = parseConfigText(written, 'w.conf');
    assert.deepEqual(back.errors, [], written);
    assert.deepEqual(resolveOptions(back.options), resolveOptions(model), written);
    if (hasNats) {
      const file = join(dir, 'written.conf');
      writeFileSync(file, written);
      assert.ok(natsCheck(file).ok, `nats-server refuses what the writer rendered:\n${written}\n${natsCheck(file).out}`);
    }
  }
});

test('console edits: a preload added through the patching writer keeps the rest of the file', async () => {
  const f = await fixture();
  const text = `# operator mode\noperators: "${f.opFile}" # the operator\nresolver: MEMORY\n`;
  const before = parseConfigText(text, 'p.conf').options;
  const after = { ...before, resolverPreload: { [f.accPub]: f.accJwt } };
  const r = patchConfigText(text, 'p.conf', before, after);
  assert.ok('text' in r, JSON.stringify(r));
  assert.ok(r.text.startsWith(`# operator mode\noperators: "${f.opFile}" # the operator\nresolver: MEMORY\n`), r.text);
  assert.deepEqual(parseConfigText(r.text, 'p.conf').options.resolverPreload, { [f.accPub]: f.accJwt });
});

test('reload rules: operator and trusted keys need a restart; preloads, pinned accounts, resolver TLS and URL changes are hot', async () => {
  const f = await fixture();
  const base = resolveOptions({ operator: f.opFile, resolver: { type: 'memory' } });
  const hot = (next: Parameters<typeof resolveOptions>[0]) => blockingChanges(diffOptions(base, resolveOptions(next))).map((c) => c.path);
  assert.deepEqual(hot({ operator: f.opFile, resolver: { type: 'memory' }, resolverPreload: { [f.accPub]: f.accJwt }, resolverPinnedAccounts: [f.accPub], resolverTls: { insecure: true } }), []);
  assert.deepEqual(hot({ operator: f.opSysFile, resolver: { type: 'memory' } }), ['operator']);
  assert.deepEqual(hot({ resolver: { type: 'memory' } }), ['operator']);
  assert.deepEqual(hot({ operator: f.opFile, trustedKeys: [f.otherOpKey], resolver: { type: 'memory' } }), ['trustedKeys']);
  assert.deepEqual(hot({ operator: f.opFile }), ['resolver']);
  assert.deepEqual(hot({ operator: f.opFile, resolver: { type: 'url', url: 'http://x/' } }), ['resolver']);
  const url = resolveOptions({ operator: f.opFile, resolver: { type: 'url', url: 'http://a/' } });
  assert.deepEqual(blockingChanges(diffOptions(url, resolveOptions({ operator: f.opFile, resolver: { type: 'url', url: 'http://b/' } }))), []);
  const full = resolveOptions({ operator: f.opFile, resolver: { type: 'full', dir: f.dirOk } });
  const change = blockingChanges(diffOptions(full, resolveOptions({ operator: f.opFile, resolver: { type: 'full', dir: f.dirOk, limit: 5 } })));
  assert.deepEqual(change.map((c) => [c.path, c.reason]), [['resolver', 'the directory resolver can not change at runtime']]);
  const from = blockingChanges(diffOptions(resolveOptions({}), resolveOptions({ resolver: { type: 'memory' } })));
  assert.equal(from[0]?.reason, 'config reload does not support moving to or from an account resolver');
});

/** Starts nats-server with a config: `{started}` once it is ready, else its error line. Stops it by PID. */
function natsStart(file: string): Promise<{ started: true } | { started: false; error: string }> {
  return new Promise((resolve) => {
    const proc = spawn('nats-server', ['-c', file, '-a', '127.0.0.1', '-p', '-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const done = (r: { started: true } | { started: false; error: string }) => {
      clearTimeout(timer);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      resolve(r);
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Server is ready')) done({ started: true });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('close', () => {
      if (out.includes('Server is ready')) return;
      const line = out.split('\n').find((l) => l.startsWith('nats-server: ')) ?? out.trim().split('\n').pop() ?? '';
      done({ started: false, error: line.replace(/^nats-server: /, '').replace(/^.*\[FTL\] /, '') });
    });
    const timer = setTimeout(() => done({ started: false, error: `timeout: ${out}` }), 20_000);
  });
}

test('differential start: nats-server refuses what validateOperatorMode refuses, with the same first message', { skip }, async () => {
  const f = await fixture();
  const sys2 = createAccount().getPublicKey();
  const acc = await makeAccount((await makeOperator()).kp);
  const fullDir = join(dir, 'full');
  mkdirSync(fullDir, { recursive: true });
  const futureOp = await makeOperator({ assert_server_version: '2.10.0' });
  const futureFile = join(dir, 'future.jwt');
  writeFileSync(futureFile, futureOp.jwt);
  const cases: { name: string; text: string }[] = [
    { name: 'valid MEMORY + preload', text: `operator: "${f.opFile}"\nresolver: MEMORY\nresolver_preload: { ${acc.pub}: "${acc.jwt}" }\n` },
    { name: 'valid full resolver', text: `operator: "${f.opSysFile}"\nresolver: { type: full, dir: "${fullDir}" }\n` },
    { name: 'accounts configured', text: `operator: "${f.opFile}"\nresolver: MEMORY\naccounts { A {} }\n` },
    { name: 'users configured', text: `operator: "${f.opFile}"\nresolver: MEMORY\nauthorization { users: [ {user: a, password: b} ] }\n` },
    { name: 'trusted keys too', text: `operator: "${f.opFile}"\nresolver: MEMORY\ntrusted: ${f.otherOpKey}\n` },
    { name: 'system account differs', text: `operator: "${f.opSysFile}"\nresolver: MEMORY\nsystem_account: ${sys2}\n` },
    { name: 'full resolver without system account', text: `operator: "${f.opFile}"\nresolver: { type: full, dir: "${fullDir}" }\n` },
    { name: 'asserted server version', text: `operator: "${futureFile}"\nresolver: MEMORY\n` },
    { name: 'bad pinned account', text: `operator: "${f.opFile}"\nresolver: MEMORY\nresolver_pinned_accounts: [ "nope" ]\n` },
    { name: 'no_auth_user', text: `operator: "${f.opFile}"\nresolver: MEMORY\nno_auth_user: bob\n` },
    { name: 'preload on a URL resolver', text: `operator: "${f.opFile}"\nresolver: URL(http://127.0.0.1:1/)\nresolver_preload: { ${acc.pub}: "${acc.jwt}" }\n` },
  ];
  for (const c of cases) {
    const file = join(dir, `start-${c.name.replace(/[^a-z0-9]+/gi, '_')}.conf`);
    writeFileSync(file, c.text);
    const parsed = parseConfigText(c.text, file);
    assert.deepEqual(parsed.errors, [], `${c.name}: parses`);
    const ours = validateOperatorMode(resolveOptions(parsed.options));
    const theirs = await natsStart(file);
    assert.equal(theirs.started, c.name.startsWith('valid'), `${c.name}: ${JSON.stringify(theirs)}`);
    if (theirs.started) assert.deepEqual(ours, [], `${c.name}: nats-server starts, we report ${JSON.stringify(ours)}`);
    else assert.equal(ours[0], theirs.error, `${c.name}: nats-server refuses to start`);
  }
});

test('a server starts in operator mode when nats-server would, and refuses with its start errors otherwise', async () => {
  const f = await fixture();
  assert.deepEqual(operatorModeStartErrors(resolveOptions({})), []);
  assert.deepEqual(operatorModeStartErrors(resolveOptions({ operator: f.opFile, resolver: { type: 'memory' } })), []);
  assert.deepEqual(operatorModeStartErrors(resolveOptions({ trustedKeys: [f.otherOpKey] })), []);
  const s = createServer({ operator: f.opFile, resolver: { type: 'memory' }, port: -1 });
  assert.ok(s.operator !== null, 'operator mode is served');
  assert.equal(s.authRequired(), true);
  assert.throws(() => createServer({ operator: f.opFile, resolver: { type: 'memory' }, accounts: { A: {} }, port: -1 }), /operators do not allow Accounts to be configured directly/);
});
