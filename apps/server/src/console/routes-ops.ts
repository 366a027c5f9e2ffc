/** Operations (reload, lame duck), the audit log, live events (SSE) and STATSZ history. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorBodySchema,
  AuditListSchema,
  AuditQuerySchema,
  EventsQuerySchema,
  LameDuckResponseSchema,
  ReloadResponseSchema,
  SSE_EVENT_TYPES,
  STATS_WINDOWS,
  StatsQuerySchema,
  StatsResponseSchema,
} from '@switchboard/shared';
import { actor, audited, recordQuietly, type ConsoleContext } from './context.js';
import { summarize } from './config-store.js';
import { ApiHttpError } from './errors.js';

const err = ApiErrorBodySchema;

export const opsRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const lameDuckState = () => ({ state: ctx.server.lameDuckState ? { ...ctx.server.lameDuckState } : null });

  app.post(
    '/ops/reload',
    { config: { access: 'admin', what: 'reloading the server' }, schema: { tags: ['ops'], summary: 'Reload the config file (as SIGHUP)', response: { 200: ReloadResponseSchema, 403: err, 422: ReloadResponseSchema } } },
    async (req, reply) => {
      const who = actor(req);
      const rec = { ...who, action: 'ops.reload', target: ctx.config.configFile };
      let r;
      try {
        const result = await ctx.server.reload();
        const revision = result.ok ? String(ctx.config.syncFromDisk(who.user).id) : undefined;
        r = { ...result, ...(revision ? { revision } : {}) };
      } catch (e) {
        recordQuietly(ctx, { ...rec, outcome: 'failed', detail: (e as Error).message });
        throw e;
      }
      recordQuietly(ctx, { ...rec, outcome: r.ok ? 'ok' : 'refused', detail: r.ok ? summarize(r.changes) : r.errors.join('; '), revision: r.revision });
      if (!r.ok) reply.code(422);
      return r;
    },
  );

  app.post(
    '/ops/lame-duck',
    { config: { access: 'admin', what: 'lame duck mode' }, schema: { tags: ['ops'], summary: 'Enter lame duck mode (progress on /api/events and GET)', response: { 202: LameDuckResponseSchema, 403: err, 409: err } } },
    async (req, reply) => {
      const who = actor(req);
      await audited(ctx, req, { action: 'ops.lame-duck' }, async () => {
        if (ctx.server.isLameDuck) throw new ApiHttpError('LAME_DUCK_ACTIVE');
        ctx.server.lameDuck().then(
          () => recordQuietly(ctx, { ...who, action: 'ops.lame-duck.done', outcome: 'ok' }),
          (e: unknown) => recordQuietly(ctx, { ...who, action: 'ops.lame-duck.done', outcome: 'failed', detail: String(e) }),
        );
      });
      reply.code(202);
      return lameDuckState();
    },
  );

  app.get('/ops/lame-duck', { schema: { tags: ['ops'], summary: 'Lame duck progress', response: { 200: LameDuckResponseSchema } } }, async () => lameDuckState());

  app.get('/audit', { schema: { tags: ['audit'], summary: 'The audit log, newest first, filtered', querystring: AuditQuerySchema, response: { 200: AuditListSchema, 400: err } } }, async (req) =>
    ctx.audit.query(req.query),
  );

  app.get(
    '/events',
    { schema: { tags: ['events'], summary: `Server-sent events: ${SSE_EVENT_TYPES.join(', ')} (?types=a,b to filter; viewers get secrets redacted)`, querystring: EventsQuerySchema } },
    async (req, reply) => {
      if (!ctx.server.events.enabled) throw new ApiHttpError('EVENTS_UNAVAILABLE');
      const { types } = req.query;
      reply.hijack();
      ctx.hub.attach(reply.raw, types ? new Set(types.split(',')) : null, req.sessionUser?.role ?? null);
    },
  );

  app.get('/stats', { schema: { tags: ['stats'], summary: 'STATSZ history (5m @1s, 1h @10s, 24h @5min) of a server by name (its history key) or id; live points come as `stats` events', querystring: StatsQuerySchema, response: { 200: StatsResponseSchema, 400: err, 404: err } } }, async (req) => {
    const q = req.query;
    const servers = ctx.sampler.servers();
    // By history key (the name); a server id is taken too (the process last heard with it).
    const server = q.server ? (servers.find((s) => s.id === q.server) ?? servers.find((s) => s.serverId === q.server))?.id : ctx.sampler.localKey;
    if (!server) throw new ApiHttpError('UNKNOWN_SERVER', `no statistics for server ${q.server}`);
    return { server, window: q.window, stepMs: STATS_WINDOWS[q.window].stepMs, servers, points: ctx.sampler.points(server, q.window) };
  });
};
