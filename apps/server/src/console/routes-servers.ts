/** /api/servers: every server the STATSZ sampler heard. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorBodySchema, ServerListSchema } from '@switchboard/shared';
import type { ConsoleContext } from './context.js';

export const serverRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  app.get(
    '/servers',
    { schema: { tags: ['stats'], summary: 'Every server heard, sorted by name, with its latest STATSZ (null until heard since the console started)', response: { 200: ServerListSchema, 401: ApiErrorBodySchema } } },
    async () => ({ servers: ctx.sampler.heard() }),
  );
};
