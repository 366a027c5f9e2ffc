/**
 * `npm pack` of the server app gives a package that installs globally and runs `switchboard`:
 * the broker, the console (with its native SQLite), the web build, and nothing from the checkout.
 *
 * The tarball is installed into a temporary prefix (`npm install -g --prefix`), with npm's cache
 * as `npm ci` left it. better-sqlite3's install script looks for a prebuilt binary before it
 * compiles one; this machine cannot download it, so the test hands it the binary that `npm ci`
 * built for the checkout, in prebuild-install's own format and through its own lookup (a
 * `.prebuild-installrc` naming a local prebuilds directory). Compiling instead works too but takes
 * minutes on two cores.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator, StringCodec } from 'nats';
import { ROOT, waitFor } from '../helpers/servers.js';
import { cleanEnv, startCommand, type Started } from './procs.js';

const sc = StringCodec();
const work = mkdtempSync(join(tmpdir(), 'sb-pack-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'bin', 'switchboard');
let tarball = '';
let packFiles: { path: string; mode: number }[] = [];
let installOutput = '';
const running: Started[] = [];

function run(cmd: string, args: string[], opts: { cwd: string; timeout: number }): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: cleanEnv(), encoding: 'utf8', timeout: opts.timeout, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  return r.stdout;
}

/** prebuild-install's local prebuild for better-sqlite3, made from the checkout's compiled binary. */
function localPrebuild(): void {
  const pkgDir = join(ROOT, 'node_modules', 'better-sqlite3');
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const file = join(dir, `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  run('tar', ['czf', file, '-C', pkgDir, 'build/Release/better_sqlite3.node'], { cwd: work, timeout: 60_000 });
  // rc looks for .prebuild-installrc from the install script's directory upwards: the prefix is below `work`.
  writeFileSync(join(work, '.prebuild-installrc'), `local-prebuilds=${dir}\n`);
}

before(
  async () => {
    const packed = JSON.parse(run('npm', ['pack', '-w', 'apps/server', '--pack-destination', work, '--json'], { cwd: ROOT, timeout: 180_000 })) as {
      filename: string;
      files: { path: string; mode: number }[];
    }[];
    tarball = join(work, packed[0].filename);
    packFiles = packed[0].files;
    localPrebuild();
    mkdirSync(prefix);
    const r = spawnSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--allow-scripts=better-sqlite3', '--no-audit', '--no-fund', tarball],
      { cwd: work, env: cleanEnv(), encoding: 'utf8', timeout: 540_000 },
    );
    installOutput = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`npm install -g failed (${r.error?.message ?? `exit ${r.status}`}):\n${installOutput}`);
  },
  { timeout: 600_000 },
);

after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

async function start(cmd: string, args: string[], env = cleanEnv(), cwd = work): Promise<Started> {
  const s = await startCommand(cmd, args, { env, cwd });
  running.push(s);
  return s;
}

test('the tarball holds the command, the bundle, the web build and the default config, and no sources', () => {
  const paths = packFiles.map((f) => f.path);
  for (const want of ['package.json', 'bin/switchboard.js', 'dist/switchboard.js', 'dist/bcrypt-worker.js', 'dist/THIRD-PARTY-LICENSES.txt', 'web/index.html', 'conf/default.conf']) {
    assert.ok(paths.includes(want), `packs ${want}`);
  }
  assert.ok(paths.some((p) => /^web\/assets\/index-.*\.js$/.test(p)), 'packs the web build assets');
  assert.deepEqual(paths.filter((p) => /\.(ts|tsx|map)$|^src\/|tsbuildinfo|node_modules/.test(p)), [], 'no sources, maps or build state');
  assert.equal(packFiles.find((f) => f.path === 'bin/switchboard.js')!.mode & 0o111, 0o111, 'bin/switchboard.js is executable');
  const manifest = JSON.parse(run('tar', ['xzf', tarball, '-O', 'package/package.json'], { cwd: work, timeout: 30_000 })) as {
    bin: Record<string, string>;
    dependencies: Record<string, string>;
  };
  assert.deepEqual(manifest.bin, { switchboard: 'bin/switchboard.js' });
  // Everything else is inside the bundle: a run needs only the native SQLite binding.
  assert.deepEqual(Object.keys(manifest.dependencies), ['better-sqlite3']);
});

test('it installs globally with no engine warning and no install script left out', () => {
  assert.doesNotMatch(installOutput, /EBADENGINE|Unsupported engine/);
  assert.doesNotMatch(installOutput, /install-scripts|not yet covered by allowScripts/);
  assert.ok(lstatSync(installed).isSymbolicLink(), 'bin/switchboard is linked');
  assert.match(readlinkSync(installed), /@switchboard\/server\/bin\/switchboard\.js$/);
  const lib = join(prefix, 'lib', 'node_modules', '@switchboard', 'server');
  assert.ok(existsSync(join(lib, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), 'better-sqlite3 has its binary');
  assert.ok(!existsSync(join(lib, 'node_modules', 'fastify')) && !existsSync(join(lib, 'node_modules', '@switchboard')), 'no bundled package installed again');
  const v = spawnSync(installed, ['--version'], { cwd: work, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^switchboard: v\d+\.\d+\.\d+ \(nats-server v2\.9\.10 protocol\)$/m);
});

test('the installed switchboard serves clients, monitoring, the console API and the web app', async () => {
  const dataDir = join(work, 'data');
  const s = await start(installed, ['-m', '-1', '--data_dir', dataDir], cleanEnv({ SWITCHBOARD_ADMIN_PASSWORD: 'packed-admin-pw' }));
  assert.equal(s.portsFileName, `switchboard_${s.pid}.ports`);
  assert.ok(s.monitoringURL, 'the ports file lists the monitoring URL');
  const http = s.monitoringURL!;

  const nc = await connect({ servers: `127.0.0.1:${s.natsPort}`, reconnect: false });
  try {
    const sub = nc.subscribe('packed.echo', { max: 1 });
    nc.publish('packed.echo', sc.encode('from the package'));
    for await (const m of sub) assert.equal(sc.decode(m.data), 'from the package');
  } finally {
    await nc.close();
  }

  const varz = (await (await fetch(`${http}/varz`)).json()) as { server_id: string; version: string; port: number };
  assert.equal(varz.port, s.natsPort);
  assert.equal(varz.version, '2.9.10');
  assert.match(varz.server_id, /^N[A-Z2-7]{55}$/);

  // The web build: index.html, and an asset it names.
  const page = await fetch(`${http}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<title>Switchboard console<\/title>/);
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, 'index.html names its script');
  const js = await fetch(`${http}${asset}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  // Read every body: the console's close waits for a response that a client has not read.
  assert.ok((await js.arrayBuffer()).byteLength > 1000);

  // The console's login: bcrypt, the SQLite store and the session cookie.
  const login = await fetch(`${http}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: http },
    body: JSON.stringify({ user: 'admin', password: 'packed-admin-pw' }),
  });
  const loginBody = await login.text();
  assert.equal(login.status, 200, loginBody);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  assert.ok(cookie.includes('='), 'a session cookie is set');
  const me = (await (await fetch(`${http}/api/me`, { headers: { cookie } })).json()) as { user: string; role: string };
  assert.equal(me.user, 'admin');
  assert.equal(me.role, 'admin');

  const { code, signal } = await s.stop();
  assert.equal(signal, null, 'exited by itself on SIGTERM');
  assert.equal(code, 1, 'SIGTERM exit status as nats-server');
  assert.ok(!existsSync(s.portsFile), 'ports file removed on exit');
});

test('installed as a nats-server drop-in through a symlink, it writes nats-server_<pid>.ports', async () => {
  const binDir = join(work, 'dropin');
  mkdirSync(binDir);
  symlinkSync(installed, join(binDir, 'nats-server'));
  const env = cleanEnv();
  env.PATH = `${binDir}:${env.PATH}`;
  const s = await start('nats-server', [], env);
  assert.equal(s.portsFileName, `nats-server_${s.pid}.ports`);
  const nc = await connect({ servers: `127.0.0.1:${s.natsPort}`, reconnect: false });
  const info = nc.info!;
  await nc.close();
  assert.equal(info.port, s.natsPort);
  await waitFor(() => /\[INF\] Server is ready/.test(s.output()), 10_000, 'the ready line');
  await s.stop();
});

test('the installed switchboard runs the examples with no warning, and their demo users work', { timeout: 180_000 }, async () => {
  // Examples name files relative to the repository root, as their comments tell a user to run them.
  for (const conf of ['examples/accounts/accounts.conf', 'examples/operator/operator.conf']) {
    const s = await start(installed, ['-c', conf], cleanEnv(), ROOT);
    try {
      assert.match(s.output(), /\[INF\] Starting switchboard/);
      await waitFor(() => /\[INF\] Server is ready/.test(s.output()), 20_000, `${conf}: ready`);
      assert.doesNotMatch(s.output(), /\[(WRN|ERR|FTL)\]/, `${conf}: no warning or error at start`);
      const auth =
        conf.includes('operator')
          ? { authenticator: credsAuthenticator(readFileSync(join(ROOT, 'examples/operator/shop-demo.creds'))) }
          : { user: 'alice', pass: 'alice' };
      const nc = await connect({ servers: `127.0.0.1:${s.natsPort}`, reconnect: false, ...auth });
      try {
        const sub = nc.subscribe('example.echo', { max: 1 });
        nc.publish('example.echo', sc.encode(conf));
        for await (const m of sub) assert.equal(sc.decode(m.data), conf);
      } finally {
        await nc.close();
      }
    } finally {
      await s.stop();
    }
  }
});
