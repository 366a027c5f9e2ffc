import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, createAccount, fromPublic, fromSeed } from '@nats-io/nkeys';
import bcrypt from 'bcryptjs';
import { CLI, startProcess, type ProcServer } from '../helpers/servers.js';
import { HAVE_NATS_SERVER } from './differential.js';
import { tmpDir, writeConf, tryConnect, errText } from './helpers.js';

function sb(args: string[], input?: string): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 20000 });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

const procs: ProcServer[] = [];
after(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

describe('switchboard nk', () => {
  test('-gen <type> prints a seed; -pubout adds the public key', () => {
    for (const [type, seedPrefix, pubPrefix] of [
      ['user', 'SU', 'U'],
      ['account', 'SA', 'A'],
      ['operator', 'SO', 'O'],
      ['server', 'SN', 'N'],
      ['cluster', 'SC', 'C'],
    ]) {
      const only = sb(['nk', '-gen', type]);
      assert.equal(only.code, 0, only.out);
      const lines1 = only.out.trim().split('\n');
      assert.equal(lines1.length, 1);
      assert.ok(lines1[0].startsWith(seedPrefix) && lines1[0].length === 58, lines1[0]);
      const r = sb(['nk', '-gen', type, '-pubout']);
      const [seed, pub] = r.out.trim().split('\n');
      assert.ok(pub.startsWith(pubPrefix) && pub.length === 56);
      // The pair is consistent for @nats-io/nkeys.
      assert.equal(fromSeed(new TextEncoder().encode(seed)).getPublicKey(), pub);
    }
    const bad = sb(['nk', '-gen', 'planet']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Usage: nk -gen \[user\|account\|server\|cluster\|operator\]/);
  });

  test('-inkey FILE -pubout, -sign, -verify both ways with @nats-io/nkeys', () => {
    const dir = tmpDir('nk');
    const kp = createUser();
    const seedFile = join(dir, 'user.nk');
    writeFileSync(seedFile, `# a comment line\n${new TextDecoder().decode(kp.getSeed())}\n`);
    const pubFile = join(dir, 'user.pub');
    writeFileSync(pubFile, `${kp.getPublicKey()}\n`);
    const data = join(dir, 'data.txt');
    writeFileSync(data, 'sign me please\n');

    assert.deepEqual(sb(['nk', '-inkey', seedFile, '-pubout']).out.trim(), kp.getPublicKey());

    // Our signature verifies with the library.
    const s = sb(['nk', '-sign', data, '-inkey', seedFile]);
    assert.equal(s.code, 0, s.out);
    const sigB64 = s.out.trim();
    assert.match(sigB64, /^[A-Za-z0-9+/]{86}==$/, 'standard base64 of 64 bytes, as nk prints');
    assert.ok(fromPublic(kp.getPublicKey()).verify(new TextEncoder().encode('sign me please\n'), Buffer.from(sigB64, 'base64')));

    // A library signature verifies with our tool (-pubin and -inkey).
    const sigFile = join(dir, 'data.sig');
    writeFileSync(sigFile, Buffer.from(kp.sign(new TextEncoder().encode('sign me please\n'))).toString('base64'));
    const onlySeed = join(dir, 'only.nk');
    writeFileSync(onlySeed, new TextDecoder().decode(kp.getSeed()));
    assert.equal(sb(['nk', '-verify', data, '-sigfile', sigFile, '-pubin', pubFile]).out, 'Verified OK\n');
    assert.equal(sb(['nk', '-verify', data, '-sigfile', sigFile, '-inkey', onlySeed]).out, 'Verified OK\n');

    // Wrong key or altered data fails with status 1.
    const other = join(dir, 'other.pub');
    writeFileSync(other, createAccount().getPublicKey());
    const bad = sb(['nk', '-verify', data, '-sigfile', sigFile, '-pubin', other]);
    assert.equal(bad.code, 1);
    assert.doesNotMatch(bad.out, /Verified OK/);
    writeFileSync(data, 'altered');
    assert.equal(sb(['nk', '-verify', data, '-sigfile', sigFile, '-pubin', pubFile]).code, 1);
    // Missing pieces.
    assert.match(sb(['nk', '-verify', data, '-pubin', pubFile]).out, /Verify requires a signature via -sigfile/);
    assert.match(sb(['nk', '-sign', data]).out, /Sign requires a seed\/private key via -inkey <file>/);
  });
});

describe('switchboard passwd', () => {
  test('prints a $2a$ bcrypt hash at cost 11 from --pass or stdin', () => {
    const a = sb(['passwd', '--pass', 'correct horse']);
    assert.equal(a.code, 0, a.err);
    const hash = a.out.trim();
    assert.match(hash, /^\$2a\$11\$.{53}$/);
    assert.ok(bcrypt.compareSync('correct horse', hash));
    const b = sb(['passwd'], 'from stdin\n');
    assert.ok(bcrypt.compareSync('from stdin', b.out.trim()));
    assert.equal(sb(['passwd'], '\n').code, 1);
  });

  test('nats-server 2.9.10 accepts the hash', { skip: !HAVE_NATS_SERVER && 'nats-server not on PATH' }, async () => {
    const hash = sb(['passwd', '--pass', 'pw-for-nats', '--cost', '4']).out.trim();
    const file = writeConf(tmpDir('passwd'), 'p.conf', `authorization { users = [ { user: h, password: "${hash}" } ] }\n`);
    const p = await startProcess('nats-server', ['-c', file]);
    procs.push(p);
    const ok = await tryConnect(p.url, { user: 'h', pass: 'pw-for-nats' });
    assert.ok(!(ok instanceof Error), errText(ok));
    await ok.close();
    const bad = await tryConnect(p.url, { user: 'h', pass: 'nope' });
    assert.ok(bad instanceof Error);
  });
});

describe('CLI auth flags', () => {
  test('--user/--pass and --auth apply as in nats-server', async () => {
    const p = await startProcess('switchboard', ['--user', 'flaguser', '--pass', 'flagpass']);
    procs.push(p);
    const ok = await tryConnect(p.url, { user: 'flaguser', pass: 'flagpass' });
    assert.ok(!(ok instanceof Error), errText(ok));
    await ok.close();
    assert.match(errText(await tryConnect(p.url, { user: 'flaguser', pass: 'x' })), /Authorization Violation/i);
    assert.ok(!p.output().includes('flagpass'));

    const t = await startProcess('switchboard', ['--auth', 'flagtoken']);
    procs.push(t);
    const ok2 = await tryConnect(t.url, { token: 'flagtoken' });
    assert.ok(!(ok2 instanceof Error), errText(ok2));
    await ok2.close();
    assert.match(errText(await tryConnect(t.url)), /Authorization Violation/i);
  });

  test('a config file with nkey users and -c, nkey signed by a key made with switchboard nk', async () => {
    const gen = sb(['nk', '-gen', 'user', '-pubout']).out.trim().split('\n');
    const [seed, pub] = gen;
    const file = writeConf(tmpDir('nkconf'), 'n.conf', `authorization { users = [ { nkey: ${pub} } ] }\n`);
    const p = await startProcess('switchboard', ['-c', file]);
    procs.push(p);
    const { nkeyAuthenticator } = await import('nats');
    const ok = await tryConnect(p.url, { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) });
    assert.ok(!(ok instanceof Error), errText(ok));
    await ok.close();
    const other = createUser();
    assert.ok((await tryConnect(p.url, { authenticator: nkeyAuthenticator(other.getSeed()) })) instanceof Error);
  });
});
