/* The console's state on disk: private files, bounded history, a broken database, crashes and full disks. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LightMyRequestResponse } from 'fastify';
import { Logger, createServer, loadConfigFile } from '@switchboard/broker';
import { buildConsole } from './index.js';
import { silentLog } from './log.js';
import { ORIGIN, login, startConsole } from '../../../../test/helpers/console.js';
import { ROOT } from '../../../../test/helpers/servers.js';

const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;
const mode = (p: string) => statSync(p).mode & 0o777;

/** A console on an existing conf file and data dir (as after a restart). */
async function restart(file: string, dataDir: string, errors: string[] = []) {
  const server = createServer(loadConfigFile(file).options, { logger: new Logger({ sink: () => {} }), configFile: file });
  await server.start();
  const app = await buildConsole({ server, dataDir, adminPassword: 'secret', print: () => {}, sampleStats: false, log: { ...silentLog, error: (m) => errors.push(m), warn: (m) => errors.push(m) } });
  await app.ready();
  return { server, app };
}

describe('console state is private and bounded', () => {
  test('the data directory is 0700 and console.db (with its -wal and -shm) 0600', async () => {
    const ctx = await startConsole();
    try {
      const data = join(ctx.dir, 'data');
      assert.equal(mode(data), 0o700);
      for (const f of ['console.db', 'console.db-wal', 'console.db-shm']) {
        assert.ok(existsSync(join(data, f)), f);
        assert.equal(mode(join(data, f)), 0o600, f);
      }
    } finally {
      await ctx.app.close();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  test('an existing console.db open to others is made 0600; a data directory open to others is warned about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-perm-'));
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    writeFileSync(join(data, 'console.db'), '');
    chmodSync(join(data, 'console.db'), 0o644);
    writeFileSync(join(dir, 's.conf'), 'host: 127.0.0.1\nport: -1\n');
    const warnings: string[] = [];
    const { app } = await restart(join(dir, 's.conf'), data, warnings);
    try {
      assert.equal(mode(join(data, 'console.db')), 0o600);
      assert.match(warnings.join('\n'), /readable by others.*chmod 700/);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('only the newest revisions are kept, and the texts of the dropped ones are gone from console.db', async () => {
    const conf = (n: number) => `authorization { users [ {user: g, password: "old-secret-${n}"} ] }\n`;
    const ctx = await startConsole(conf(0), { maxRevisions: 3 });
    const base = readFileSync(ctx.file, 'utf8').replace(conf(0), '');
    const admin = await login(ctx.app, 'admin', 'secret');
    for (let n = 1; n <= 5; n++) {
      const rev = json(await ctx.app.inject({ url: '/api/config', headers: { cookie: admin } })).revision;
      const r = await ctx.app.inject({ method: 'PUT', url: '/api/config', headers: { ...ORIGIN, cookie: admin, 'if-match': rev }, payload: { text: base + conf(n) } });
      assert.equal(r.statusCode, 200, r.body);
    }
    const list = json(await ctx.app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
    assert.equal(list.total, 3);
    assert.equal(list.revisions.length, 3);
    assert.equal(json(await ctx.app.inject({ url: '/api/config/revisions/1', headers: { cookie: admin } })).code, 'REVISION_NOT_FOUND');
    await ctx.app.close();
    try {
      const data = join(ctx.dir, 'data');
      const bytes = ['console.db', 'console.db-wal'].map((f) => (existsSync(join(data, f)) ? readFileSync(join(data, f), 'latin1') : '')).join('');
      for (const n of [0, 1, 2]) assert.ok(!bytes.includes(`old-secret-${n}`), `old-secret-${n} is still in console.db`);
      assert.ok(bytes.includes('old-secret-5'), 'the current revision is kept');
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });
});

describe('a broken console.db is found at start', () => {
  test('a dropped table: the console reports it and stays off; the broker runs', async () => {
    const ctx = await startConsole();
    const dataDir = join(ctx.dir, 'data');
    await ctx.app.close();
    const db = new Database(join(dataDir, 'console.db'));
    db.exec('DROP TABLE audit');
    db.close();
    const errors: string[] = [];
    const { app, server } = await restart(ctx.file, dataDir, errors);
    try {
      const r = await app.inject({ method: 'POST', url: '/api/login', headers: ORIGIN, payload: { user: 'admin', password: 'secret' } });
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(json(r).code, 'CONSOLE_UNAVAILABLE');
      assert.match(json(r).message, /table audit is missing/);
      assert.equal(app.consoleState.ok, false);
      assert.match(errors.join('\n'), /table audit is missing/);
      assert.equal(server.isRunning, true);
      assert.equal((await app.inject('/healthz')).statusCode, 200);
    } finally {
      await app.close();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });
});

describe('a config write interrupted by kill -9 is settled at the next start', () => {
  const crash = (file: string, dataDir: string, when: 'before-write' | 'after-write') =>
    new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/console-crash-child.ts'), file, dataDir, when], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`child exited ${code}: ${err}`))));
    });

  test('killed after the file was written: the change is the admin’s revision, with its audit entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-crash-'));
    const file = join(dir, 's.conf');
    writeFileSync(file, 'host: 127.0.0.1\nport: -1\n');
    try {
      assert.equal(await crash(file, join(dir, 'data'), 'after-write'), 'SIGKILL');
      assert.match(readFileSync(file, 'utf8'), /max_payload: 4096/);
      const { app, server } = await restart(file, join(dir, 'data'));
      try {
        assert.equal(server.opts.maxPayload, 4096);
        const admin = await login(app, 'admin', 'secret');
        const revs = json(await app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
        assert.deepEqual(
          revs.revisions.map((r: { author: string; source: string }) => `${r.author}:${r.source}`),
          ['admin:edit', 'system:start'],
        );
        assert.equal(revs.revisions[0].comment, 'smaller payloads');
        const audit = json(await app.inject({ url: '/api/audit?action=config.apply', headers: { cookie: admin } }));
        assert.equal(audit.entries.length, 1);
        assert.equal(audit.entries[0].user, 'admin');
        assert.equal(audit.entries[0].outcome, 'ok');
        assert.equal(audit.entries[0].revision, revs.revisions[0].id);
        assert.match(audit.entries[0].detail, /maxPayload/);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('killed before the file was written: nothing changed, and the attempt is audited as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-crash-'));
    const file = join(dir, 's.conf');
    writeFileSync(file, 'host: 127.0.0.1\nport: -1\n');
    try {
      assert.equal(await crash(file, join(dir, 'data'), 'before-write'), 'SIGKILL');
      assert.doesNotMatch(readFileSync(file, 'utf8'), /max_payload/);
      const { app } = await restart(file, join(dir, 'data'));
      try {
        const admin = await login(app, 'admin', 'secret');
        const revs = json(await app.inject({ url: '/api/config/revisions', headers: { cookie: admin } }));
        assert.deepEqual(revs.revisions.map((r: { source: string }) => r.source), ['start']);
        const audit = json(await app.inject({ url: '/api/audit?action=config.apply', headers: { cookie: admin } }));
        assert.equal(audit.entries.length, 1);
        assert.equal(audit.entries[0].outcome, 'failed');
        assert.match(audit.entries[0].detail, /interrupted/);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('on a full disk a config save reports the write failure, not the audit log’s', async () => {
  const ctx = await startConsole();
  try {
    const admin = await login(ctx.app, 'admin', 'secret');
    const before = readFileSync(ctx.file, 'utf8');
    const rev = json(await ctx.app.inject({ url: '/api/config', headers: { cookie: admin } })).revision;
    const { config, audit } = ctx.app.consoleContext;
    config.writeFile = () => {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
    };
    const full = () => {
      throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    };
    audit.record = full;
    audit.insert = full;
    const r = await ctx.app.inject({ method: 'PUT', url: '/api/config', headers: { ...ORIGIN, cookie: admin, 'if-match': rev }, payload: { text: `${before}max_payload: 4096\n` } });
    assert.equal(r.statusCode, 500);
    assert.equal(json(r).code, 'CONFIG_WRITE_FAILED');
    assert.match(json(r).message, /ENOSPC: no space left on device/);
    assert.match(json(r).message, /nothing changed/);
    assert.match(ctx.consoleLogs.join('\n'), /cannot write the audit log \(database or disk is full\).*config\.apply failed/);
    assert.equal(readFileSync(ctx.file, 'utf8'), before);
    assert.equal(ctx.server.opts.maxPayload, 1024 * 1024);
  } finally {
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  }
});
