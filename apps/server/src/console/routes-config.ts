/** /api/config: the running config, validate, preview, apply with If-Match, revisions, diff, rollback. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ApplyResponseSchema,
  ConfigInputSchema,
  ConfigResponseSchema,
  PreviewResponseSchema,
  RevisionDiffSchema,
  RevisionListSchema,
  RevisionSchema,
  RollbackRequestSchema,
  ValidateResponseSchema,
  ApiErrorBodySchema,
  type ApplyResponse,
} from '@switchboard/shared';
import { audited, ifMatch, js, requireRole, requireSession, setRevision, type ConsoleContext } from './context.js';
import { parseWith } from './errors.js';
import { redact, type Checked } from './config-store.js';

const err = js(ApiErrorBodySchema);
const PageSchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) });
const DiffQuerySchema = z.object({ from: z.string().min(1), to: z.string().min(1).optional() });

export function summarize(changes: { path: string; hot: boolean }[]): string {
  return changes.length === 0 ? 'no changes' : changes.map((c) => c.path).join(', ');
}

/** Applies `checked` as the given user, audited; shared by PUT /api/config, rollback and the convenience endpoints. */
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
  const s = requireRole(req, 'admin', 'changing the configuration');
  return audited(
    ctx,
    req,
    { action, target },
    async () => {
      const out = await ctx.config.apply(build(), revision, { author: s.user, source, comment });
      return { ok: true as const, ...out };
    },
    (r) => ({ detail: summarize(r.changes), revision: r.revision }),
  );
}

export async function configRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  const tags = ['config'];
  app.get('/api/config', { schema: { tags, summary: 'The running configuration and its revision', response: { 200: js(ConfigResponseSchema) } } }, async (req, reply) => {
    const s = requireSession(req);
    const cur = ctx.config.current();
    setRevision(reply, String(cur.id));
    const admin = s.role === 'admin';
    const body: z.output<typeof ConfigResponseSchema> = {
      revision: String(cur.id),
      options: (admin ? ctx.server.opts : redact(ctx.server.opts)) as Record<string, unknown>,
      editable: ctx.config.editable,
    };
    if (ctx.config.configFile) body.configFile = ctx.config.configFile;
    if (admin) body.text = cur.text;
    return body;
  });

  app.post('/api/config/validate', { schema: { tags, summary: 'Validate a config (model or conf text); every error with its path', body: js(ConfigInputSchema, 'input'), response: { 200: js(ValidateResponseSchema), 400: err } } }, async (req) => {
    requireSession(req);
    const input = parseWith(ConfigInputSchema, req.body, 'body');
    const checked = ctx.config.check(input);
    if (!checked.options) return { ok: false, errors: checked.errors, warnings: checked.warnings };
    const p = await ctx.config.preview(checked);
    // Reload refusals for needs-restart changes are not validity errors.
    const errors = p.restartRequired ? [] : p.errors;
    return { ok: errors.length === 0, errors, warnings: p.warnings };
  });

  for (const path of ['/api/config/preview', '/api/config/review']) {
    app.post(path, { schema: { tags, summary: 'The typed diff against the running config (nothing applied)', body: js(ConfigInputSchema, 'input'), response: { 200: js(PreviewResponseSchema), 400: err } } }, async (req) => {
      requireSession(req);
      const input = parseWith(ConfigInputSchema, req.body, 'body');
      const checked = ctx.config.check(input);
      const p = await ctx.config.preview(checked);
      return { ...p, ...(checked.options ? { text: checked.text } : {}) };
    });
  }

  app.put(
    '/api/config',
    { schema: { tags, summary: 'Write the conf file and reload (If-Match: revision)', body: js(ConfigInputSchema, 'input'), response: { 200: js(ApplyResponseSchema), 400: err, 409: err, 422: err, 428: err } } },
    async (req, reply) => {
      requireRole(req, 'admin', 'changing the configuration');
      const input = parseWith(ConfigInputSchema, req.body, 'body');
      const r = await applyAudited(ctx, req, 'config.apply', ctx.config.configFile, () => ctx.config.check(input), ifMatch(req), 'edit', input.comment);
      setRevision(reply, r.revision);
      return r;
    },
  );

  app.get('/api/config/revisions', { schema: { tags, summary: 'Config revisions, newest first', response: { 200: js(RevisionListSchema) } } }, async (req) => {
    requireSession(req);
    const q = parseWith(PageSchema, req.query, 'query');
    return ctx.config.list(q.limit, q.offset);
  });

  app.get('/api/config/revisions/:id', { schema: { tags, summary: 'One revision', response: { 200: js(RevisionSchema), 404: err } } }, async (req) => {
    const s = requireSession(req);
    const r = ctx.config.revision((req.params as { id: string }).id);
    return s.role === 'admin' ? r : { ...redact(r), text: '' };
  });

  app.get('/api/config/diff', { schema: { tags, summary: 'Typed diff of two revisions', response: { 200: js(RevisionDiffSchema), 404: err } } }, async (req) => {
    requireSession(req);
    const q = parseWith(DiffQuerySchema, req.query, 'query');
    const to = q.to ?? String(ctx.config.current().id);
    return { from: q.from, to, changes: ctx.config.diff(q.from, to) };
  });

  const rollback = async (req: FastifyRequest, id: string, comment: string | undefined) => {
    requireRole(req, 'admin', 'rolling back the configuration');
    const target = ctx.config.revision(id);
    return applyAudited(
      ctx,
      req,
      'config.rollback',
      `revision ${id}`,
      () => ctx.config.check({ text: target.text }),
      ifMatch(req),
      'rollback',
      comment ?? `rollback to revision ${id}`,
    );
  };
  app.post('/api/config/rollback', { schema: { tags, summary: 'Roll back to a revision (a new revision; If-Match: current)', body: js(RollbackRequestSchema, 'input'), response: { 200: js(ApplyResponseSchema), 404: err, 409: err, 422: err } } }, async (req, reply) => {
    const body = parseWith(RollbackRequestSchema, req.body, 'body');
    const r = await rollback(req, body.revision, body.comment);
    setRevision(reply, r.revision);
    return r;
  });
  app.post('/api/config/revisions/:id/rollback', { schema: { tags, summary: 'Roll back to this revision', response: { 200: js(ApplyResponseSchema), 404: err, 409: err, 422: err } } }, async (req, reply) => {
    const r = await rollback(req, (req.params as { id: string }).id, undefined);
    setRevision(reply, r.revision);
    return r;
  });
}
