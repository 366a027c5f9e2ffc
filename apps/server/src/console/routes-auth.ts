/** /api/login, /api/logout, /api/me (alias /api/session). */
import '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { LoginRequestSchema, OkSchema, SessionSchema, ApiErrorBodySchema } from '@switchboard/shared';
import { sessionBody, SESSION_COOKIE } from './auth.js';
import { requireSession, js, type ConsoleContext } from './context.js';
import { ApiHttpError, parseWith } from './errors.js';

export async function authRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  app.post(
    '/api/login',
    { schema: { tags: ['auth'], summary: 'Log in (sets the session cookie)', body: js(LoginRequestSchema, 'input'), response: { 200: js(SessionSchema), 401: js(ApiErrorBodySchema) } } },
    async (req, reply) => {
      ctx.limiter.take(req.ip);
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const body = parseWith(LoginRequestSchema, { ...raw, user: raw.user ?? raw.username }, 'body');
      const who = await ctx.users.verify(body.user, body.password);
      if (!who) {
        ctx.audit.record({ user: body.user, role: 'none', action: 'login', outcome: 'refused', detail: 'wrong user name or password', ip: req.ip });
        throw new ApiHttpError('BAD_CREDENTIALS');
      }
      const { token, expiresAt } = ctx.users.createSession(who.id);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, expires: new Date(expiresAt) });
      ctx.audit.record({ user: body.user, role: who.role, action: 'login', outcome: 'ok', ip: req.ip });
      return sessionBody({ userId: who.id, user: body.user, role: who.role, expiresAt });
    },
  );

  app.post('/api/logout', { schema: { tags: ['auth'], summary: 'Log out', response: { 200: js(OkSchema) } } }, async (req, reply) => {
    const s = req.sessionUser;
    ctx.users.endSession(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    if (s) ctx.audit.record({ user: s.user, role: s.role, action: 'logout', outcome: 'ok', ip: req.ip });
    return { ok: true as const };
  });

  for (const path of ['/api/me', '/api/session']) {
    app.get(path, { schema: { tags: ['auth'], summary: 'The current session', response: { 200: js(SessionSchema), 401: js(ApiErrorBodySchema) } } }, async (req) =>
      sessionBody(requireSession(req)),
    );
  }
}
