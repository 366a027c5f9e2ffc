/*
 * The cluster block (routes) as a convenience endpoint, beside /api/gateways: GET it, PUT a whole
 * new one (null removes it). The write goes through the path every edit takes (validate, atomic
 * write, revision, audit): nats-server reloads the routes list, authorization and permissions, so
 * those apply at once; anything else (name, host, port, TLS...) is saved and applies at the next
 * restart (the config store's pending path). If-Match is optional; when sent, a stale revision is refused.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiErrorBodySchema, ApplyResponseSchema, ClusterSchema, EditQuerySchema, GatewayRemotesResponseSchema, type ClusterOptions } from '@switchboard/shared';
import { applyAudited } from './routes-config.js';
import { ifMatch, setRevision, type ConsoleContext } from './context.js';

const ClusterResponseSchema = z.object({ revision: z.string(), cluster: ClusterSchema.nullable() });
const PutClusterRequestSchema = z.object({ cluster: ClusterSchema.nullable() });
const err = ApiErrorBodySchema;

export const clusterRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['cluster'];

  app.get('/cluster', { schema: { tags, summary: 'The cluster block as in the config file', response: { 200: ClusterResponseSchema } } }, async (_req, reply) => {
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    return { revision, cluster: (ctx.config.fileOptions().cluster ?? null) as ClusterOptions | null };
  });

  app.get(
    '/gateways/remotes',
    { schema: { tags: ['gateways'], summary: 'Each remote cluster this server dials: state, attempts and the last error', response: { 200: GatewayRemotesResponseSchema } } },
    async () => {
      const g = ctx.server.gateways;
      return { enabled: g !== null, remotes: (g?.remotes() ?? []).map((r) => ({ ...r, urls: [...r.urls] })) };
    },
  );

  app.put(
    '/cluster',
    {
      config: { access: 'admin', what: 'changing the cluster' },
      schema: {
        tags,
        summary: 'Replace the cluster block (routes, authorization, permissions reload; other changes apply at the next restart)',
        querystring: EditQuerySchema,
        body: PutClusterRequestSchema,
        response: { 200: ApplyResponseSchema, 400: err, 403: err, 409: err, 422: err },
      },
    },
    async (req, reply) => {
      const { cluster } = req.body;
      const revision = ifMatch(req) ?? String(ctx.config.current().id);
      const r = await applyAudited(
        ctx,
        req,
        'cluster.put',
        'cluster',
        () => {
          const next = structuredClone(ctx.config.fileOptions());
          if (cluster === null) delete next.cluster;
          else next.cluster = cluster;
          return ctx.config.check({ options: next });
        },
        revision,
        'edit',
        req.query.comment,
      );
      setRevision(reply, r.revision);
      return r;
    },
  );
};
