/** The console's own users: list (any role), add and remove (admins), each audited. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorBodySchema, ConsoleUserListSchema, ConsoleUserParamsSchema, CreateConsoleUserSchema, OkSchema } from '@switchboard/shared';
import { audited, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';

const err = ApiErrorBodySchema;

export const userRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['users'];
  app.get('/users', { schema: { tags, summary: 'Console users', response: { 200: ConsoleUserListSchema } } }, async () => ({ users: ctx.users.list() }));

  app.post(
    '/users',
    { config: { access: 'admin', what: 'adding console users' }, schema: { tags, summary: 'Add a console user', body: CreateConsoleUserSchema, response: { 200: OkSchema, 400: err, 403: err, 409: err } } },
    async (req) => {
      const body = req.body;
      return audited(ctx, req, { action: 'user.add', target: `${body.user} (${body.role})` }, async () => {
        if (ctx.users.find(body.user)) throw new ApiHttpError('CONSOLE_USER_EXISTS');
        ctx.users.create(body.user, body.password, body.role);
        return { ok: true as const };
      });
    },
  );

  app.delete(
    '/users/:user',
    { config: { access: 'admin', what: 'removing console users' }, schema: { tags, summary: 'Remove a console user', params: ConsoleUserParamsSchema, response: { 200: OkSchema, 403: err, 404: err, 409: err } } },
    async (req) => {
      const { user } = req.params;
      return audited(ctx, req, { action: 'user.remove', target: user }, async () => {
        const found = ctx.users.find(user);
        if (!found) throw new ApiHttpError('CONSOLE_USER_NOT_FOUND');
        if (found.role === 'admin' && ctx.users.admins() <= 1) throw new ApiHttpError('LAST_ADMIN');
        ctx.users.remove(user);
        return { ok: true as const };
      });
    },
  );
};
