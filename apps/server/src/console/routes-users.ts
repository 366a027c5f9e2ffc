/** The console's own users: list (any role), add and remove (admins), each audited. */
import type { FastifyInstance } from 'fastify';
import { ApiErrorBodySchema, ConsoleUserListSchema, CreateConsoleUserSchema, OkSchema } from '@switchboard/shared';
import { audited, js, requireRole, requireSession, type ConsoleContext } from './context.js';
import { ApiHttpError, parseWith } from './errors.js';

const err = js(ApiErrorBodySchema);

export async function userRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  app.get('/api/users', { schema: { tags: ['users'], summary: 'Console users', response: { 200: js(ConsoleUserListSchema) } } }, async (req) => {
    requireSession(req);
    return { users: ctx.users.list() };
  });

  app.post(
    '/api/users',
    { schema: { tags: ['users'], summary: 'Add a console user', body: js(CreateConsoleUserSchema, 'input'), response: { 200: js(OkSchema), 400: err, 403: err, 409: err } } },
    async (req) => {
      requireRole(req, 'admin', 'adding console users');
      const body = parseWith(CreateConsoleUserSchema, req.body, 'body');
      return audited(ctx, req, { action: 'user.add', target: `${body.user} (${body.role})` }, async () => {
        if (ctx.users.find(body.user)) throw new ApiHttpError('CONSOLE_USER_EXISTS');
        ctx.users.create(body.user, body.password, body.role);
        return { ok: true as const };
      });
    },
  );

  app.delete('/api/users/:user', { schema: { tags: ['users'], summary: 'Remove a console user', response: { 200: js(OkSchema), 403: err, 404: err, 409: err } } }, async (req) => {
    requireRole(req, 'admin', 'removing console users');
    const { user } = req.params as { user: string };
    return audited(ctx, req, { action: 'user.remove', target: user }, async () => {
      const found = ctx.users.find(user);
      if (!found) throw new ApiHttpError('CONSOLE_USER_NOT_FOUND');
      if (found.role === 'admin' && ctx.users.admins() <= 1) throw new ApiHttpError('LAST_ADMIN');
      ctx.users.remove(user);
      return { ok: true as const };
    });
  });
}
