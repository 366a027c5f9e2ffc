import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { createServer, Logger, loadConfigFile } from '@switchboard/broker';
import { execFileSync } from 'node:child_process';
import { startProcess, waitFor, CLI } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';

function confFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-reload-'));
  const path = join(dir, 'server.conf');
  writeFileSync(path, text);
  return path;
}

async function embeddedFromFile(path: string) {
  const lines: string[] = [];
  const loaded = loadConfigFile(path);
  assert.deepEqual(loaded.errors, []);
  const server = createServer(loaded.options, { logger: new Logger({ sink: (l) => lines.push(l) }), configFile: path });
  await server.start();
  return { server, lines };
}

test('reload applies hot changes to live connections and reports them', async () => {
  const path = confFile('listen: "127.0.0.1:-1"\nmax_payload: 1MB\nping_interval: "2m"\n');
  const { server, lines } = await embeddedFromFile(path);
  const nc = await connect({ servers: `127.0.0.1:${server.port}` });
  try {
    writeFileSync(path, 'listen: "127.0.0.1:-1"\nmax_payload: 64KB\nping_interval: "2m"\ndebug: true\n');
    const dry = await server.reload(undefined, { dryRun: true });
    assert.equal(dry.ok, true);
    assert.equal(dry.applied, false);
    assert.equal(server.opts.maxPayload, 1024 * 1024, 'dry run applies nothing');
    const res = await server.reload();
    assert.equal(res.ok, true);
    assert.equal(res.applied, true);
    assert.deepEqual(res.changes.map((c) => c.path).sort(), ['debug', 'maxPayload']);
    assert.equal(server.opts.maxPayload, 64 * 1024);
    assert.ok(lines.some((l) => l.includes('[INF] Reloaded server configuration')));
    // The connected client is held to the new limit (the server closes it on violation).
    const raw = await RawConn.open(server.port);
    await raw.waitFor(/"max_payload":65536/);
    raw.write(`CONNECT {"verbose":false}\r\nPUB big ${64 * 1024 + 1}\r\n`);
    await raw.waitFor(/-ERR 'Maximum Payload Violation'/);
    assert.ok(await raw.waitClosed());
    assert.equal(nc.isClosed(), false, 'existing connections survive a reload');
  } finally {
    await nc.close();
    await server.shutdown();
  }
});

test('reload refuses a change that needs a restart, and a broken file, applying nothing', async () => {
  const path = confFile('listen: "127.0.0.1:-1"\nserver_name: one\n');
  const { server } = await embeddedFromFile(path);
  try {
    writeFileSync(path, 'listen: "127.0.0.1:-1"\nserver_name: two\ndebug: true\n');
    const res = await server.reload();
    assert.equal(res.ok, false);
    assert.equal(res.applied, false);
    assert.ok(res.errors.some((e) => /serverName|server_name/.test(e) && e.includes('one') && e.includes('two')), res.errors.join('\n'));
    assert.equal(server.opts.debug, false, 'the hot part of a refused reload is not applied either');

    writeFileSync(path, 'listen: "127.0.0.1:-1"\nserver_name: one\nnot_an_option: 1\n');
    const bad = await server.reload();
    assert.equal(bad.ok, false);
    assert.ok(bad.errors.some((e) => /server\.conf:3:1: unknown field "not_an_option"/.test(e)), bad.errors.join('\n'));
    assert.equal(server.opts.serverName, 'one');
  } finally {
    await server.shutdown();
  }
});

test('--signal reload=<pid file> reaches the running server', async () => {
  const path = confFile('listen: "127.0.0.1:-1"\n');
  const pidFile = join(mkdtempSync(join(tmpdir(), 'sb-pid-')), 'sb.pid');
  const proc = await startProcess('switchboard', ['-c', path, '-P', pidFile]);
  try {
    writeFileSync(path, 'listen: "127.0.0.1:-1"\ntrace: true\n');
    const out = execFileSync(process.execPath, [CLI, '--signal', `reload=${pidFile}`], { encoding: 'utf8' });
    assert.match(out, /signal "reload" SIGHUP sent to process \d+/);
    await waitFor(() => proc.output().includes('Reloaded: trace'), 5000, 'reload log');
    assert.throws(() => execFileSync(process.execPath, [CLI, '--signal', 'bogus=1'], { stdio: 'pipe' }), /unknown signal/);
  } finally {
    await proc.stop();
  }
});

test('SIGHUP reloads and SIGUSR2 enters lame duck mode in the CLI', async () => {
  const path = confFile('listen: "127.0.0.1:-1"\nlame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\n');
  const proc = await startProcess('switchboard', ['-c', path]);
  try {
    writeFileSync(path, 'listen: "127.0.0.1:-1"\nlame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\ndebug: true\n');
    proc.proc.kill('SIGHUP');
    await waitFor(() => proc.output().includes('Reloaded server configuration'), 5000, 'reload log');
    const nc = await connect({ servers: proc.url, reconnect: false });
    await nc.flush();
    let exitCode: number | null = null;
    proc.proc.on('exit', (code) => (exitCode = code));
    proc.proc.kill('SIGUSR2');
    await waitFor(() => proc.output().includes('Entering lame duck mode'), 5000, 'lame duck log');
    // (SIGTERM during lame duck mode ends the run at once: apps/server/src/console/shutdown.test.ts.)
    assert.equal(nc.isClosed(), false, 'clients stay during the grace period');
    await nc.closed();
    await waitFor(() => exitCode !== null, 10000, 'process exit after lame duck');
    assert.equal(exitCode, 0);
  } finally {
    await proc.stop();
  }
});
