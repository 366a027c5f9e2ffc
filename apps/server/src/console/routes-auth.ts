/** /api/login, /api/logout, /api/me (alias /api/session). */
import '@fastify/cookie';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorBodySchema, LoginBodySchema, OkSchema, SessionSchema } from '@switchboard/shared';
import { sessionBody, SESSION_COOKIE } from './auth.js';
import { requireSession, recordQuietly, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';

export const authRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['auth'];
  app.post(
    '/login',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Log in (sets the session cookie); `username` is accepted for `user`', body: LoginBodySchema, response: { 200: SessionSchema, 400: ApiErrorBodySchema, 401: ApiErrorBodySchema, 429: ApiErrorBodySchema } },
    },
    async (req, reply) => {
      const body = req.body;
      ctx.limiter.take(body.user, req.ip);
      const who = await ctx.users.verify(body.user, body.password);
      if (!who) {
        recordQuietly(ctx, { user: body.user, role: 'none', action: 'login', outcome: 'refused', detail: 'wrong user name or password', ip: req.ip });
        throw new ApiHttpError('BAD_CREDENTIALS');
      }
      const { token, expiresAt } = ctx.users.createSession(who.id);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, expires: new Date(expiresAt) });
      recordQuietly(ctx, { user: body.user, role: who.role, action: 'login', outcome: 'ok', ip: req.ip });
      return sessionBody({ userId: who.id, user: body.user, role: who.role, expiresAt });
    },
  );

  app.post('/logout', { config: { access: 'public' }, schema: { tags, summary: 'Log out', response: { 200: OkSchema } } }, async (req, reply) => {
    const s = req.sessionUser;
    ctx.users.endSession(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    if (s) recordQuietly(ctx, { user: s.user, role: s.role, action: 'logout', outcome: 'ok', ip: req.ip });
    return { ok: true as const };
  });

  for (const path of ['/me', '/session']) {
    app.get(path, { schema: { tags, summary: 'The current session', response: { 200: SessionSchema, 401: ApiErrorBodySchema } } }, async (req) => sessionBody(requireSession(req)));
  }
};
