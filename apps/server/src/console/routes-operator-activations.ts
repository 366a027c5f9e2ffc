/*
 * Activation tokens for private (`token_req`) exports, and their revocation:
 *   POST   /operator/accounts/:account/activations            issue a token for one importing account (recorded here)
 *   GET    /operator/accounts/:account/activations            the tokens issued here, per export, revoked or not
 *   POST   /operator/accounts/:account/export-revocations     revoke: the importer (or `*`) enters the export's `revocations`
 *   DELETE /operator/accounts/:account/export-revocations     remove a revocation
 * A revocation is nats-server's: importing account → unix time, tokens issued at or before it no
 * longer authorize the import. The account JWT is re-signed and pushed; the server ends live
 * imports. The console keeps each token's facts (jti, iat, importer, subject), never a seed.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ActivationResponseSchema,
  ApiErrorBodySchema,
  ExportRevocationRequestSchema,
  IssueActivationRequestSchema,
  IssuedActivationSchema,
  OperatorAccountParamsSchema,
  OperatorAccountWriteResponseSchema,
  RemoveExportRevocationRequestSchema,
  subjectIsSubsetOf,
  type PushResult,
} from '@switchboard/shared';
import { audited } from './context.js';
import { ApiHttpError, validationFailed } from './errors.js';
import { rawPayload } from './operator-keys.js';
import type { OperatorRouteKit } from './routes-operator-keys.js';

const err = ApiErrorBodySchema;
const admin = (what: string) => ({ access: 'admin' as const, what });
const summary = (p?: PushResult) => (p ? `${p.ok ? 'pushed' : 'not pushed'} (${p.via}): ${p.message}` : 'not pushed');
const ActivationListSchema = z.object({
  exports: z.array(z.object({ type: z.enum(['stream', 'service']), subject: z.string(), revocations: z.array(z.object({ importer: z.string(), at: z.string() })), activations: z.array(IssuedActivationSchema) })),
});
/** A revocation entered within this many seconds from now is waited out before a new token is signed. */
const WAIT_OUT_SECONDS = 2;

export const operatorActivationRoutes: FastifyPluginAsyncZod<{ kit: OperatorRouteKit }> = async (app, { kit }) => {
  const { ctx, keys, push, accountResult, opSigner } = kit;
  const tags = ['operator'];

  app.post(
    '/operator/accounts/:account/activations',
    { config: admin('issuing activation tokens'), schema: { tags, summary: 'Issue an activation token for a private (token_req) export of the account, for one importing account', params: OperatorAccountParamsSchema, body: IssueActivationRequestSchema, response: { 201: ActivationResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req, reply) => {
      const body = req.body;
      const { account } = req.params;
      const r = await audited(ctx, req, { action: 'operator.activation.issue', target: `${body.subject} of ${account} for ${body.importer}` }, async () => {
        const row = keys.requireAccount(account);
        if (body.importer === account) throw validationFailed([{ path: 'body.importer', message: 'an account does not import from itself' }], 'body');
        const view = keys.accountView(row, { onServer: false, system: false });
        const exp = view.exports.find((e) => e.subject === body.subject) ?? view.exports.find((e) => subjectIsSubsetOf(body.subject, e.subject));
        if (!exp) throw validationFailed([{ path: 'body.subject', message: `account ${row.name} exports nothing that contains "${body.subject}"` }], 'body');
        if (!exp.tokenReq) throw validationFailed([{ path: 'body.subject', message: `the export "${exp.subject}" is public (no token required): import it without a token` }], 'body');
        // A token is born revoked while the export revokes its importer as of now or later (iat ≤ revocation).
        const rev = Object.fromEntries(exp.revocations.map((x) => [x.importer, Math.floor(Date.parse(x.at) / 1000)]));
        const revokedUntil = Math.max(rev[body.importer] ?? 0, rev['*'] ?? 0);
        const now = Math.floor(Date.now() / 1000);
        if (revokedUntil >= now) {
          if (revokedUntil - now > WAIT_OUT_SECONDS) {
            const who = rev['*'] !== undefined && rev['*'] >= now ? 'every importer (*)' : body.importer;
            throw validationFailed([{ path: 'body.importer', message: `the export "${exp.subject}" revokes tokens for ${who} issued until ${new Date(revokedUntil * 1000).toISOString()}: remove that revocation first` }], 'body');
          }
          await new Promise((res) => setTimeout(res, (revokedUntil + 1) * 1000 - Date.now() + 20));
        }
        const signer = keys.accountSigner(row, body.accountSeed);
        const made = await keys.issueActivation(row, signer, body.importer, body.subject, exp.type, body.expiresInDays);
        keys.recordActivation({
          jti: made.jti,
          exporter: account,
          export_type: exp.type,
          export_subject: exp.subject,
          importer: body.importer,
          subject: body.subject,
          signed_by: signer.getPublicKey(),
          issued_at: made.iat,
          expires_at: made.exp ?? null,
        });
        return {
          token: made.token,
          jti: made.jti,
          kind: exp.type,
          subject: body.subject,
          importer: body.importer,
          exporter: account,
          ...(made.exp ? { expiresAt: new Date(made.exp * 1000).toISOString() } : {}),
        };
      }, (r) => ({ detail: `${r.kind} ${r.subject} jti ${r.jti}${r.expiresAt ? ` until ${r.expiresAt}` : ''}` }));
      reply.code(201);
      return r;
    },
  );

  app.get(
    '/operator/accounts/:account/activations',
    { schema: { tags, summary: 'The activation tokens the console issued for the private exports of the account, and the exports\' revocations', params: OperatorAccountParamsSchema, response: { 200: ActivationListSchema, 404: err } } },
    async (req) => {
      const row = keys.requireAccount(req.params.account);
      const view = keys.accountView(row, { onServer: false, system: false });
      return { exports: view.exports.filter((e) => e.tokenReq || e.revocations.length > 0 || e.activations.length > 0).map((e) => ({ type: e.type, subject: e.subject, revocations: e.revocations, activations: e.activations })) };
    },
  );

  /** Re-signs the account with the change, keeps it and pushes it; a push the server refuses is a 502 (the JWT is kept). */
  const changeRevocation = async (req: Parameters<typeof push>[0], account: string, body: z.output<typeof ExportRevocationRequestSchema>, at: number | null) => {
    const row = keys.requireAccount(account);
    const signer = opSigner(body.operatorSeed);
    const jwt = await keys.setExportRevocation(row, signer, { type: body.type, subject: body.subject }, body.importer, at);
    keys.save({ publicKey: account, kind: 'account', parent: row.parent ?? undefined, name: row.name, jwt });
    const next = keys.requireAccount(account);
    const pushed = body.push ? await push(req, next) : undefined;
    if (pushed && !pushed.ok) throw new ApiHttpError('OPERATOR_PUSH_FAILED', `the account is re-signed and kept, but the server did not take it: ${pushed.message}; push the account again`);
    return { account: await accountResult(next), seeds: [], ...(pushed ? { push: pushed } : {}) };
  };

  app.post(
    '/operator/accounts/:account/export-revocations',
    { config: admin('revoking activation tokens'), schema: { tags, summary: 'Revoke the activation tokens of an importing account (or `*`) for a private export, issued until now: re-signed and pushed, live imports end', params: OperatorAccountParamsSchema, body: ExportRevocationRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err, 502: err } } },
    async (req) => {
      const { account } = req.params;
      const body = req.body;
      return audited(ctx, req, { action: 'operator.activation.revoke', target: `${body.importer} on ${body.type} ${body.subject} of ${account}` }, async () => {
        const exp = (rawPayload(keys.requireAccount(account).jwt).nats.exports as Array<Record<string, unknown>> | undefined)?.find((e) => e?.type === body.type && e?.subject === body.subject);
        if (exp && exp.token_req !== true) throw validationFailed([{ path: 'body.subject', message: `the export "${body.subject}" is public: it takes no activation tokens to revoke (make it private, or remove it)` }], 'body');
        return changeRevocation(req, account, body, Math.floor(Date.now() / 1000));
      }, (r) => ({ detail: summary(r.push) }));
    },
  );

  app.delete(
    '/operator/accounts/:account/export-revocations',
    { config: admin('removing revocations'), schema: { tags, summary: 'Remove a revocation from a private export (the tokens it revoked work again): re-signed and pushed', params: OperatorAccountParamsSchema, body: RemoveExportRevocationRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err, 502: err } } },
    async (req) => {
      const { account } = req.params;
      const body = req.body;
      return audited(ctx, req, { action: 'operator.activation.unrevoke', target: `${body.importer} on ${body.type} ${body.subject} of ${account}` }, async () => changeRevocation(req, account, body, null), (r) => ({
        detail: summary(r.push),
      }));
    },
  );
};
