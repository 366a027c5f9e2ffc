/*
 * The admin API under /api: one encapsulated plugin whose hooks run for every route it holds,
 * decided on the routed path (so `/%61pi/...` is checked like `/api/...`):
 *   onRequest          same-origin check of writes (CSRF), the session, 401 before any body is read
 *   preHandler         the route's role (`config.access: 'admin'`) → 403 naming it
 *   preSerialization   what the caller's role may see (redact.ts): the one place secrets are removed
 * Route schemas (zod, fastify-type-provider-zod) validate requests, type handlers and make the
 * OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkSameOrigin, SESSION_COOKIE } from './auth.js';
import { requireRole, requireSession, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';
import { viewFor } from './redact.js';
import { accountRoutes } from './routes-accounts.js';
import { clusterRoutes } from './routes-cluster.js';
import { authRoutes } from './routes-auth.js';
import { configRoutes } from './routes-config.js';
import { messageRoutes } from './routes-messages.js';
import { opsRoutes } from './routes-ops.js';
import { serverRoutes } from './routes-servers.js';
import { userRoutes } from './routes-users.js';

export const apiPlugin: FastifyPluginAsyncZod<{ ctx: ConsoleContext; openapi: () => unknown }> = async (app, { ctx, openapi }) => {
  app.addHook('onRequest', async (req) => {
    checkSameOrigin(req);
    const s = ctx.users.session(req.cookies[SESSION_COOKIE]);
    if (s === 'expired') req.sessionExpired = true;
    else req.sessionUser = s;
    if ((req.routeOptions.config.access ?? 'viewer') !== 'public') requireSession(req);
  });
  app.addHook('preHandler', async (req) => {
    const { access, what } = req.routeOptions.config;
    if (access === 'admin') requireRole(req, 'admin', what ?? 'this');
  });
  app.addHook('preSerialization', async (req, _reply, payload) => viewFor(req.sessionUser?.role, payload));

  await app.register(authRoutes, { ctx });
  await app.register(configRoutes, { ctx });
  await app.register(accountRoutes, { ctx });
  await app.register(clusterRoutes, { ctx });
  await app.register(messageRoutes, { ctx });
  await app.register(opsRoutes, { ctx });
  await app.register(serverRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => openapi());
  // Anything else under /api is a JSON 404 (never the web app's index.html).
  app.all('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req) => {
    throw new ApiHttpError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
  });
};

/**
 * The API when the console's state could not be opened: every /api call answers 503
 * CONSOLE_UNAVAILABLE with the reason, while the broker and monitoring keep running.
 */
export async function unavailableApiPlugin(app: FastifyInstance, { reason }: { reason: string }): Promise<void> {
  app.all('/', async () => {
    throw new ApiHttpError('CONSOLE_UNAVAILABLE', `the admin console is off: ${reason}`);
  });
  app.all('/*', async () => {
    throw new ApiHttpError('CONSOLE_UNAVAILABLE', `the admin console is off: ${reason}`);
  });
}
