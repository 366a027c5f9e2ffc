/** Operations (reload, lame duck), the audit log, live events (SSE) and STATSZ history. */
import type { FastifyInstance } from 'fastify';
import {
  ApiErrorBodySchema,
  AuditListSchema,
  AuditQuerySchema,
  LameDuckResponseSchema,
  ReloadResponseSchema,
  SSE_EVENT_TYPES,
  StatsQuerySchema,
  StatsResponseSchema,
} from '@switchboard/shared';
import { audited, js, requireRole, requireSession, type ConsoleContext } from './context.js';
import { ApiHttpError, parseWith } from './errors.js';
import { summarize } from './routes-config.js';

const err = js(ApiErrorBodySchema);

export async function opsRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  app.post('/api/ops/reload', { schema: { tags: ['ops'], summary: 'Reload the config file (as SIGHUP)', response: { 200: js(ReloadResponseSchema), 422: js(ReloadResponseSchema) } } }, async (req, reply) => {
    requireRole(req, 'admin', 'reloading the server');
    const s = req.sessionUser!;
    let r;
    try {
      const result = await ctx.server.reload();
      const revision = result.ok ? String(ctx.config.syncFromDisk(s.user).id) : undefined;
      r = { ...result, ...(revision ? { revision } : {}) };
    } catch (e) {
      ctx.audit.record({ user: s.user, role: s.role, action: 'ops.reload', target: ctx.config.configFile, outcome: 'failed', detail: (e as Error).message, ip: req.ip });
      throw e;
    }
    ctx.audit.record({
      user: s.user,
      role: s.role,
      action: 'ops.reload',
      target: ctx.config.configFile,
      outcome: r.ok ? 'ok' : 'refused',
      detail: r.ok ? summarize(r.changes) : r.errors.join('; '),
      revision: r.revision,
      ip: req.ip,
    });
    if (!r.ok) reply.code(422);
    return r;
  });

  app.post('/api/ops/lame-duck', { schema: { tags: ['ops'], summary: 'Enter lame duck mode (progress on /api/events and GET)', response: { 202: js(LameDuckResponseSchema), 409: err } } }, async (req, reply) => {
    requireRole(req, 'admin', 'lame duck mode');
    await audited(ctx, req, { action: 'ops.lame-duck' }, async () => {
      if (ctx.server.isLameDuck) throw new ApiHttpError('LAME_DUCK_ACTIVE');
      const done = ctx.server.lameDuck();
      done.then(
        () => ctx.audit.record({ user: req.sessionUser!.user, role: req.sessionUser!.role, action: 'ops.lame-duck.done', outcome: 'ok', ip: req.ip }),
        (e: unknown) => ctx.audit.record({ user: req.sessionUser!.user, role: req.sessionUser!.role, action: 'ops.lame-duck.done', outcome: 'failed', detail: String(e), ip: req.ip }),
      );
    });
    reply.code(202);
    return { state: ctx.server.lameDuckState ? { ...ctx.server.lameDuckState } : null };
  });

  app.get('/api/ops/lame-duck', { schema: { tags: ['ops'], summary: 'Lame duck progress', response: { 200: js(LameDuckResponseSchema) } } }, async (req) => {
    requireSession(req);
    return { state: ctx.server.lameDuckState ? { ...ctx.server.lameDuckState } : null };
  });

  app.get('/api/audit', { schema: { tags: ['audit'], summary: 'The audit log, newest first, filtered', querystring: js(AuditQuerySchema, 'input'), response: { 200: js(AuditListSchema), 400: err } } }, async (req) => {
    requireSession(req);
    const q = parseWith(AuditQuerySchema, req.query, 'query');
    for (const k of ['since', 'until'] as const) {
      if (q[k] !== undefined && Number.isNaN(Date.parse(q[k]))) {
        throw new ApiHttpError('VALIDATION_FAILED', `invalid query.${k}: not an ISO time`, { issues: [{ path: `query.${k}`, message: 'not an ISO time' }] });
      }
    }
    return ctx.audit.query(q);
  });

  app.get('/api/events', { schema: { tags: ['events'], summary: `Server-sent events: ${SSE_EVENT_TYPES.join(', ')} (?types=a,b to filter)` } }, async (req, reply) => {
    requireSession(req);
    if (!ctx.server.events.enabled) throw new ApiHttpError('EVENTS_UNAVAILABLE');
    const types = (req.query as { types?: string }).types;
    reply.hijack();
    ctx.hub.attach(reply.raw, types ? new Set(types.split(',')) : null);
  });

  app.get('/api/stats', { schema: { tags: ['stats'], summary: 'STATSZ history (5m @1s, 1h @10s, 24h @5min)', querystring: js(StatsQuerySchema, 'input'), response: { 200: js(StatsResponseSchema), 400: err, 404: err } } }, async (req) => {
    requireSession(req);
    const q = parseWith(StatsQuerySchema, req.query, 'query');
    const server = q.server ?? ctx.server.serverId;
    const servers = ctx.sampler.servers();
    if (q.server && !servers.some((s) => s.id === q.server)) throw new ApiHttpError('UNKNOWN_SERVER', `no statistics for server ${q.server}`);
    const stepMs = { '5m': 1000, '1h': 10_000, '24h': 300_000 }[q.window];
    return { server, window: q.window, stepMs, servers, points: ctx.sampler.points(server, q.window) };
  });
}
