import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Logger, createServer, loadConfigFile } from '@switchboard/broker';
import { buildConsole, type ConsoleOptions } from '../../apps/server/src/console/index.js';

/** Same-origin headers for console writes in inject() tests. */
export const ORIGIN = { origin: 'http://localhost:80', host: 'localhost:80' };

/**
 * An embedded broker from a conf file (`conf` after a loopback listen) with its console, ready for
 * `inject()`; the admin password is `secret`, printed lines, broker log lines (`logs`) and console
 * log lines (`consoleLogs`) are collected, stats are not sampled. `opts` override console options.
 */
export async function startConsole(conf = '', opts: Partial<ConsoleOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'console-'));
  const file = join(dir, 'server.conf');
  writeFileSync(file, `host: 127.0.0.1\nport: -1\n${conf}`);
  const loaded = loadConfigFile(file);
  assert.deepEqual(loaded.errors, []);
  const logs: string[] = [];
  const server = createServer(loaded.options, { logger: new Logger({ sink: (l) => logs.push(l) }), configFile: file });
  await server.start();
  const printed: string[] = [];
  const consoleLogs: string[] = [];
  const log = { info: (m: string) => consoleLogs.push(m), warn: (m: string) => consoleLogs.push(m), error: (m: string) => consoleLogs.push(m) };
  const app = await buildConsole({ server, dataDir: join(dir, 'data'), adminPassword: 'secret', print: (l) => printed.push(l), sampleStats: false, log, ...opts });
  await app.ready();
  return { dir, file, server, app, printed, logs, consoleLogs };
}

/** Logs in through the API and returns the session cookie (checked httpOnly, SameSite=Strict). */
export async function login(app: FastifyInstance, user: string, password: string): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/api/login', headers: ORIGIN, payload: { user, password } });
  assert.equal(r.statusCode, 200, r.body);
  const c = r.cookies.find((x) => x.name === 'sb_session');
  assert.ok(c);
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');
  return `sb_session=${c.value}`;
}
