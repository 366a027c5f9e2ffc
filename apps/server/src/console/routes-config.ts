/** /api/config: the running config, validate, preview, apply with If-Match, revisions, diff, rollback. */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  ApiErrorBodySchema,
  ApplyResponseSchema,
  ConfigInputSchema,
  ConfigResponseSchema,
  DiffQuerySchema,
  PageQuerySchema,
  PreviewResponseSchema,
  RevisionDiffSchema,
  RevisionListSchema,
  RevisionParamsSchema,
  RevisionSchema,
  RollbackRequestSchema,
  ValidateResponseSchema,
  type ApplyResponse,
} from '@switchboard/shared';
import { actor, auditFailures, ifMatch, setRevision, type ConsoleContext } from './context.js';
import type { Checked } from './config-store.js';

const err = ApiErrorBodySchema;

/** Applies `checked` as the logged-in admin, audited; shared by PUT /api/config, rollback and the convenience endpoints. */
export async function applyAudited(
  ctx: ConsoleContext,
  req: FastifyRequest,
  action: string,
  target: string | undefined,
  build: () => Checked,
  revision: string | undefined,
  source: 'edit' | 'rollback' = 'edit',
  comment?: string,
): Promise<ApplyResponse> {
  const who = actor(req);
  return auditFailures(ctx, req, { action, target }, async () => {
    const out = await ctx.config.apply(build(), revision, { author: who.user, role: who.role, ip: who.ip, action, target, source, comment });
    return { ok: true as const, ...out };
  });
}

export const configRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['config'];
  const admin = (what: string) => ({ access: 'admin' as const, what });

  app.get('/config', { schema: { tags, summary: 'The running configuration and its revision (viewers: secrets redacted, no text)', response: { 200: ConfigResponseSchema } } }, async (_req, reply) => {
    const cur = ctx.config.current();
    setRevision(reply, String(cur.id));
    const body: z.output<typeof ConfigResponseSchema> = { revision: String(cur.id), options: ctx.server.opts as Record<string, unknown>, editable: ctx.config.editable, text: cur.text };
    if (ctx.config.configFile) body.configFile = ctx.config.configFile;
    body.running = ctx.config.running;
    const pending = ctx.config.pending();
    if (pending.length > 0) body.pending = pending;
    return body;
  });

  app.post('/config/validate', { schema: { tags, summary: 'Validate a config (model or conf text); every error with its path', body: ConfigInputSchema, response: { 200: ValidateResponseSchema, 400: err } } }, async (req) => {
    const checked = ctx.config.check(req.body);
    if (!checked.options) return { ok: false, errors: checked.errors, warnings: checked.warnings };
    const p = await ctx.config.preview(checked);
    // Reload refusals for needs-restart changes are not validity errors.
    const errors = p.restartRequired ? [] : p.errors;
    return { ok: errors.length === 0, errors, warnings: p.warnings };
  });

  for (const path of ['/config/preview', '/config/review']) {
    app.post(
      path,
      { config: admin('reviewing a configuration change'), schema: { tags, summary: 'The typed diff against the running config (nothing applied)', body: ConfigInputSchema, response: { 200: PreviewResponseSchema, 400: err, 403: err } } },
      async (req) => {
        const checked = ctx.config.check(req.body);
        const p = await ctx.config.preview(checked);
        return { ...p, ...(checked.options ? { text: checked.text } : {}) };
      },
    );
  }

  app.put(
    '/config',
    { config: admin('changing the configuration'), schema: { tags, summary: 'Write the conf file and reload (If-Match: revision)', body: ConfigInputSchema, response: { 200: ApplyResponseSchema, 400: err, 403: err, 409: err, 422: err, 428: err } } },
    async (req, reply) => {
      const input = req.body;
      const r = await applyAudited(ctx, req, 'config.apply', ctx.config.configFile, () => ctx.config.check(input), ifMatch(req), 'edit', input.comment);
      setRevision(reply, r.revision);
      return r;
    },
  );

  app.get('/config/revisions', { schema: { tags, summary: 'Config revisions, newest first', querystring: PageQuerySchema, response: { 200: RevisionListSchema, 400: err } } }, async (req) =>
    ctx.config.list(req.query.limit, req.query.offset),
  );

  app.get('/config/revisions/:id', { schema: { tags, summary: 'One revision (viewers: secrets redacted, no text)', params: RevisionParamsSchema, response: { 200: RevisionSchema, 404: err } } }, async (req) =>
    ctx.config.revision(req.params.id),
  );

  app.get('/config/diff', { schema: { tags, summary: 'Typed diff of two revisions', querystring: DiffQuerySchema, response: { 200: RevisionDiffSchema, 400: err, 404: err } } }, async (req) => {
    const to = req.query.to ?? String(ctx.config.current().id);
    return { from: req.query.from, to, changes: ctx.config.diff(req.query.from, to) };
  });

  const rollback = async (req: FastifyRequest, id: string, comment: string | undefined) => {
    const target = ctx.config.revision(id);
    return applyAudited(ctx, req, 'config.rollback', `revision ${id}`, () => ctx.config.check({ text: target.text }), ifMatch(req), 'rollback', comment ?? `rollback to revision ${id}`);
  };
  const rollbackResponses = { 200: ApplyResponseSchema, 400: err, 403: err, 404: err, 409: err, 422: err, 428: err };
  app.post(
    '/config/rollback',
    { config: admin('rolling back the configuration'), schema: { tags, summary: 'Roll back to a revision (a new revision; If-Match: current)', body: RollbackRequestSchema, response: rollbackResponses } },
    async (req, reply) => {
      const r = await rollback(req, req.body.revision, req.body.comment);
      setRevision(reply, r.revision);
      return r;
    },
  );
  app.post(
    '/config/revisions/:id/rollback',
    { config: admin('rolling back the configuration'), schema: { tags, summary: 'Roll back to this revision', params: RevisionParamsSchema, response: rollbackResponses } },
    async (req, reply) => {
      const r = await rollback(req, req.params.id, undefined);
      setRevision(reply, r.revision);
      return r;
    },
  );
};
