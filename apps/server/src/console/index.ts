/*
 * The console: a Fastify app composed of small plugins around one broker server (`Switchboard`) —
 * nats-server's monitoring endpoints, /metrics, the admin API (/api), live events (SSE), STATSZ
 * history, the OpenAPI document and the web build. `buildConsole()` returns the Fastify instance
 * (tests use inject(); the CLI listens). Closing it stops the broker first, then HTTP.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SWITCHBOARD_VERSION, type Switchboard } from '@switchboard/broker';
import { AuditLog } from './audit.js';
import { checkSameOrigin, LoginLimiter, SESSION_COOKIE, UserStore } from './auth.js';
import { ConfigStore } from './config-store.js';
import type { ConsoleContext } from './context.js';
import { requireSession } from './context.js';
import { openDatabase } from './db.js';
import { ApiHttpError, installErrorHandlers, sendError } from './errors.js';
import { EventHub } from './events.js';
import { monitoringPlugin } from './monitoring.js';
import { accountRoutes } from './routes-accounts.js';
import { authRoutes } from './routes-auth.js';
import { configRoutes } from './routes-config.js';
import { opsRoutes } from './routes-ops.js';
import { serverRoutes } from './routes-servers.js';
import { userRoutes } from './routes-users.js';
import { StatsSampler } from './sampler.js';

export { ConsoleDbError } from './db.js';

export interface ConsoleOptions {
  server: Switchboard;
  /** Where console.db lives (default ./data). */
  dataDir?: string;
  /** The conf file the console edits (default server.configFile). */
  configFile?: string;
  /** Require a console login for the monitoring endpoints and /metrics (default false, as nats-server). */
  monitoringAuth?: boolean;
  /** Cookies marked Secure (set when served over TLS). */
  secureCookies?: boolean;
  /** The web build to serve at / (default apps/web/dist). */
  webDir?: string;
  /** First-start admin password (default env SWITCHBOARD_ADMIN_PASSWORD; else generated and printed). */
  adminPassword?: string;
  /** Where the generated admin password is printed (default stdout). */
  print?: (line: string) => void;
  /** Per-reader SSE buffer limit in bytes (default 1 MiB). */
  sseMaxBufferedBytes?: number;
  /** STATSZ sampling (default true, every second). */
  sampleStats?: boolean;
  /** Login attempts per minute per address (default 10). */
  loginAttemptsPerMinute?: number;
  /** Stop the broker when the console closes (default true). */
  stopServerOnClose?: boolean;
  logger?: boolean;
}

const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('../../../web/dist', import.meta.url)));

export async function buildConsole(opts: ConsoleOptions): Promise<FastifyInstance> {
  const { server } = opts;
  const db = openDatabase(opts.dataDir ?? join(process.cwd(), 'data'));
  const users = new UserStore(db);
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  users.ensureInitialAdmin(opts.adminPassword ?? process.env.SWITCHBOARD_ADMIN_PASSWORD, print);
  users.ensureViewer(process.env.SWITCHBOARD_VIEWER_PASSWORD, print);
  const audit = new AuditLog(db);
  const config = new ConfigStore(server, db, opts.configFile ?? server.configFile);
  config.syncFromDisk();
  const hub = new EventHub(server, audit, opts.sseMaxBufferedBytes);
  const sampler = new StatsSampler(server, db);
  const ctx: ConsoleContext = { server, db, users, audit, config, hub, sampler, limiter: new LoginLimiter(opts.loginAttemptsPerMinute ?? 10), secureCookies: opts.secureCookies ?? false };

  const app = Fastify({ logger: opts.logger ?? false, trustProxy: false });
  // Schemas document the API (OpenAPI); zod validates in the handlers, with the catalogue's errors.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandlers(app);
  app.decorate('consoleContext', ctx);
  app.decorateRequest('sessionUser', null);
  app.decorateRequest('sessionExpired', false);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Switchboard console API', version: SWITCHBOARD_VERSION, description: 'Admin API of the Switchboard console. Errors answer ApiErrorBody with a stable code.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  });

  app.addHook('onRequest', async (req) => {
    const s = users.session(req.cookies[SESSION_COOKIE]);
    if (s === 'expired') req.sessionExpired = true;
    else req.sessionUser = s;
    if (req.url.startsWith('/api/')) checkSameOrigin(req);
  });

  const monitoringGuard = opts.monitoringAuth ? (req: Parameters<typeof requireSession>[0]) => void requireSession(req) : undefined;
  await app.register(monitoringPlugin, { server, guard: monitoringGuard });
  await app.register(authRoutes, { ctx });
  await app.register(configRoutes, { ctx });
  await app.register(accountRoutes, { ctx });
  await app.register(opsRoutes, { ctx });
  await app.register(serverRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The web build, with the SPA fallback for non-API paths.
  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/') || req.method !== 'GET') return sendError(reply, new ApiHttpError('NOT_FOUND', `no route ${req.method} ${path}`));
    if (hasWeb) return reply.type('text/html').sendFile('index.html');
    return reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><title>Switchboard</title><h1>Switchboard console</h1><p>The web app is not built. Run <code>npm run build -w apps/web</code> and reload.</p><p>Monitoring: <a href="/varz">/varz</a> <a href="/connz">/connz</a> <a href="/healthz">/healthz</a> · API: <a href="/api/openapi.json">/api/openapi.json</a></p>');
  });

  if (opts.sampleStats !== false) app.addHook('onReady', async () => sampler.start());
  // Orderly shutdown: stop sampling and events, stop the broker gracefully, then HTTP, then the db.
  app.addHook('preClose', async () => {
    sampler.stop();
    hub.close();
    if (opts.stopServerOnClose !== false) await server.shutdown();
  });
  app.addHook('onClose', async () => {
    db.close();
  });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    consoleContext: ConsoleContext;
  }
}
