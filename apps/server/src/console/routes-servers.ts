/** The servers the STATSZ sampler has heard, each with its latest full STATSZ (GET /api/servers). */
import type { FastifyInstance } from 'fastify';
import { ApiErrorBodySchema, ServerListSchema } from '@switchboard/shared';
import { js, requireSession, type ConsoleContext } from './context.js';

export async function serverRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  app.get(
    '/api/servers',
    { schema: { tags: ['stats'], summary: 'Every server heard, sorted by name, with its latest STATSZ (null until heard since the console started)', response: { 200: js(ServerListSchema), 401: js(ApiErrorBodySchema) } } },
    async (req) => {
      requireSession(req);
      return { servers: ctx.sampler.heard() };
    },
  );
}
