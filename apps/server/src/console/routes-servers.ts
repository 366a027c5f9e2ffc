/** /api/servers: every server the STATSZ sampler heard; /api/connz: connz with a subject filter that works. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorBodySchema, MonitorError, ServerListSchema, parseConnzQuery } from '@switchboard/shared';
import { connz } from '@switchboard/broker';
import type { ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';

export const serverRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  app.get(
    '/servers',
    { schema: { tags: ['stats'], summary: 'Every server heard, sorted by name, with its latest STATSZ (null until heard since the console started)', response: { 200: ServerListSchema, 401: ApiErrorBodySchema } } },
    async () => ({ servers: ctx.sampler.heard() }),
  );

  // nats-server's /connz ignores filter_subject (its handler never reads it); the console's
  // Connections page filters by subscription for real, through the same connz view.
  app.get(
    '/connz',
    {
      schema: {
        tags: ['monitoring'],
        summary: "/connz's query, plus filter_subject (with acc): only connections with a subscription that matches the subject",
        querystring: z.record(z.string(), z.string()),
      },
    },
    async (req) => {
      const q = req.query;
      const opts = parseConnzQuery(q);
      if (q.filter_subject) opts.filterSubject = q.filter_subject;
      try {
        return connz(ctx.server, opts);
      } catch (e) {
        if (e instanceof MonitorError) throw new ApiHttpError('BAD_REQUEST', e.message);
        throw e;
      }
    },
  );
};
