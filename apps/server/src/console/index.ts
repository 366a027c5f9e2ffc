/*
 * The HTTP side of Switchboard, two ways:
 * - buildMonitoring(): nats-server's monitoring endpoints and /metrics only; no state on disk
 *   (what `-m` / `http:` give without --data_dir, as nats-server).
 * - buildConsole(): the same plus the admin console — the admin API (/api), live events (SSE),
 *   STATSZ history, the OpenAPI document and the web app — with its state in `dataDir`. When that
 *   state cannot be used (a corrupt console.db…) the broker and monitoring keep running and /api
 *   answers 503 CONSOLE_UNAVAILABLE with the reason, which is also logged.
 * Both return the Fastify instance (tests use inject(); the CLI listens). Closing it stops the
 * broker first (unless told not to), then HTTP.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SWITCHBOARD_VERSION, type Switchboard } from '@switchboard/broker';
import { apiPlugin, unavailableApiPlugin } from './api-plugin.js';
import { AuditLog } from './audit.js';
import { LoginLimiter, SESSION_COOKIE, UserStore } from './auth.js';
import { ConfigStore } from './config-store.js';
import { requireSession, type ConsoleContext } from './context.js';
import { openDatabase, type Db } from './db.js';
import { ApiHttpError, installErrorHandlers, sendError } from './errors.js';
import { EventHub } from './events.js';
import { SECURITY_HEADERS } from './headers.js';
import { silentLog, type ConsoleLog } from './log.js';
import { metricsPlugin } from './metrics.js';
import { monitoringPlugin } from './monitoring.js';
import { StatsSampler } from './sampler.js';
import { serializerCompiler } from './serializer.js';
import { webPlugin } from './web.js';

export { ConsoleDbError } from './db.js';
export type { ConsoleLog } from './log.js';

export interface MonitoringOptions {
  server: Switchboard;
  /** Where problems are reported (the broker's Logger fits). Default: nowhere. */
  log?: ConsoleLog;
  /** Stop the broker when the HTTP server closes (default true). */
  stopServerOnClose?: boolean;
  /** Fastify's own request log (default false). */
  logger?: boolean;
  /**
   * Behind a reverse proxy: whom to believe in X-Forwarded-For/-Host (Fastify's trustProxy:
   * true, or addresses/CIDRs). Default false: the peer address is the client.
   */
  trustProxy?: boolean | string | string[];
}

export interface ConsoleOptions extends MonitoringOptions {
  /** Where console.db lives: the console's state (users, sessions, audit log, revisions, STATSZ history). */
  dataDir: string;
  /** The conf file the console edits (default server.configFile). */
  configFile?: string;
  /** Require a console login for the monitoring endpoints and /metrics (default false, as nats-server). */
  monitoringAuth?: boolean;
  /** Cookies marked Secure (set when served over TLS). */
  secureCookies?: boolean;
  /** The web build to serve at / (default apps/web/dist). */
  webDir?: string;
  /** Serve the web build's source maps (default false). */
  sourceMaps?: boolean;
  /** First-start admin password (default env SWITCHBOARD_ADMIN_PASSWORD; else generated and printed). */
  adminPassword?: string;
  /** Where the generated admin password is printed (default stdout). */
  print?: (line: string) => void;
  /** Per-reader SSE buffer limit in bytes (default 1 MiB). */
  sseMaxBufferedBytes?: number;
  /** STATSZ sampling (default true, every second). */
  sampleStats?: boolean;
  /** Login attempts per minute per user name and client address (default 10). */
  loginAttemptsPerMinute?: number;
  /** Config revisions kept (default 100). */
  maxRevisions?: number;
}

/** Whether the admin console is on, and if not, why. */
export type ConsoleState = { ok: true } | { ok: false; error: string };

const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('../../../web/dist', import.meta.url)));

/** Fastify with the zod type provider, the error catalogue, security headers, monitoring and /metrics. */
async function baseApp(opts: MonitoringOptions, guard?: (req: FastifyRequest) => void): Promise<FastifyInstance> {
  const log = opts.log ?? silentLog;
  const trustProxy: boolean | string | string[] = opts.trustProxy ?? false;
  // forceCloseConnections: close() ends every connection once the preClose hooks have run (the
  // broker is down by then); a client that stops reading a response must not keep the process.
  const app: FastifyInstance = Fastify({ logger: opts.logger ?? false, trustProxy: trustProxy as string, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, log);
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiHttpError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
  app.decorateRequest('sessionUser', null);
  app.decorateRequest('sessionExpired', false);
  await app.register(cookie);
  await app.register(monitoringPlugin, { server: opts.server, guard });
  await app.register(metricsPlugin, { server: opts.server, guard });
  return app;
}

/** The last preClose hook: the broker stops gracefully before HTTP closes. */
function stopServerOnClose(app: FastifyInstance, opts: MonitoringOptions): void {
  if (opts.stopServerOnClose !== false) app.addHook('preClose', async () => opts.server.shutdown());
}

/** nats-server's monitoring endpoints and /metrics, no console and no state on disk. */
export async function buildMonitoring(opts: MonitoringOptions): Promise<FastifyInstance> {
  const app = await baseApp(opts);
  stopServerOnClose(app, opts);
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><title>Switchboard</title><h1>Switchboard monitoring</h1>' +
          '<p><a href="/varz">varz</a> <a href="/connz">connz</a> <a href="/routez">routez</a> <a href="/gatewayz">gatewayz</a> <a href="/leafz">leafz</a> <a href="/subsz">subsz</a> <a href="/accountz">accountz</a> <a href="/accstatz">accstatz</a> <a href="/healthz">healthz</a> <a href="/metrics">metrics</a></p>' +
          '<p>The admin console is off: start with <code>--data_dir &lt;dir&gt;</code> to turn it on.</p>',
      ),
  );
  return app;
}

interface State {
  ctx: ConsoleContext;
  db: Db;
}

/** Opens console.db and everything that lives in it; throws when the state cannot be used. */
function openState(opts: ConsoleOptions, log: ConsoleLog): State {
  const { server } = opts;
  const { db, warnings } = openDatabase(opts.dataDir);
  try {
    for (const w of warnings) log.warn(`Console: ${w}`);
    const users = new UserStore(db);
    const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
    users.ensureInitialAdmin(opts.adminPassword ?? process.env.SWITCHBOARD_ADMIN_PASSWORD, print);
    users.ensureViewer(process.env.SWITCHBOARD_VIEWER_PASSWORD, print);
    const audit = new AuditLog(db);
    const config = new ConfigStore(server, db, opts.configFile ?? server.configFile, audit, { maxRevisions: opts.maxRevisions, log });
    config.reconcile();
    config.syncFromDisk();
    // The server loaded this file when it started: it is the running revision.
    config.markRunning();
    const hub = new EventHub(server, audit, opts.sseMaxBufferedBytes);
    const sampler = new StatsSampler(server, db, 1000, log);
    // Every sample goes to the browsers as it is stored: the charts are live at the sampling rate.
    sampler.onSample((e) => hub.broadcast('stats', e));
    const limiter = new LoginLimiter(opts.loginAttemptsPerMinute ?? 10);
    return { db, ctx: { server, db, users, audit, config, hub, sampler, limiter, secureCookies: opts.secureCookies ?? false, log } };
  } catch (e) {
    db.close();
    throw e;
  }
}

export async function buildConsole(opts: ConsoleOptions): Promise<FastifyInstance> {
  const log = opts.log ?? silentLog;
  let state: State | null = null;
  let consoleState: ConsoleState;
  try {
    state = openState(opts, log);
    consoleState = { ok: true };
  } catch (e) {
    consoleState = { ok: false, error: (e as Error).message };
    log.error(`Console: the admin console is off, the broker and monitoring run on: ${consoleState.error}`);
  }

  const users = state?.ctx.users;
  // With monitoringAuth, the monitoring endpoints want a console session too (none to be had
  // while the console is off: they stay closed rather than turn public).
  const guard = opts.monitoringAuth
    ? (req: FastifyRequest) => {
        if (!users) throw new ApiHttpError('CONSOLE_UNAVAILABLE', `monitoring needs a console login and the admin console is off: ${consoleState.ok ? '' : consoleState.error}`);
        const s = users.session(req.cookies[SESSION_COOKIE]);
        if (s === 'expired') req.sessionExpired = true;
        else req.sessionUser = s;
        requireSession(req);
      }
    : undefined;
  const app = await baseApp(opts, guard);
  app.decorate('consoleState', { getter: () => consoleState });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Switchboard console API', version: SWITCHBOARD_VERSION, description: 'Admin API of the Switchboard console. Errors answer ApiErrorBody with a stable code.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  if (state) {
    const { ctx, db } = state;
    app.decorate('consoleContext', ctx);
    await app.register(apiPlugin, { prefix: '/api', ctx, openapi: () => app.swagger() });
    if (opts.sampleStats !== false) app.addHook('onReady', async () => ctx.sampler.start());
    // Orderly shutdown: stop sampling and events, then the broker (stopServerOnClose), then HTTP, then the db.
    app.addHook('preClose', async () => {
      ctx.sampler.stop();
      ctx.hub.close();
    });
    app.addHook('onClose', async () => db.close());
  } else {
    await app.register(unavailableApiPlugin, { prefix: '/api', reason: consoleState.ok ? '' : consoleState.error });
  }
  stopServerOnClose(app, opts);
  await app.register(webPlugin, { webDir: opts.webDir ?? DEFAULT_WEB_DIR, sourceMaps: opts.sourceMaps ?? false });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    consoleContext: ConsoleContext;
    consoleState: ConsoleState;
  }
}
