/*
 * The console as the operator's tool (operator mode): the operator, its accounts and users.
 *   GET    /operator                                    state: the running server's operator mode, and what the console manages
 *   POST   /operator                                    create an operator + system account + a server config for them
 *   POST   /operator/import                             import an existing operator JWT (and, optionally, a seed)
 *   DELETE /operator                                    forget the operator and everything the console keeps of it
 *   POST   /operator/accounts                           create an account, sign it, push it
 *   POST   /operator/accounts/import                    bring an existing account JWT under the console
 *   PUT    /operator/accounts/:account                  change limits, exports, imports; re-sign, push
 *   POST   /operator/accounts/:account/push             push the stored JWT again
 *   POST   /operator/accounts/:account/users            issue a user: its `.creds` (shown once unless stored)
 *   GET    /operator/accounts/:account/users/:user/creds  the creds again (only when the seed was stored)
 *   POST   /operator/accounts/:account/users/:user/revoke  revoke: the account JWT re-signed and pushed, the user cut
 * Key work (signing keys, strict signing, deleting accounts): routes-operator-keys.ts; activation
 * tokens and their revocation: routes-operator-activations.ts.
 * Writes are admin-only and audited; seeds are never logged nor put in audit entries, and only
 * the response that made them carries them (viewers cannot reach those routes; redact.ts
 * scrubs anything seed-shaped from what viewers get).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fromSeed } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';
import {
  ApiErrorBodySchema,
  CreateOperatorAccountRequestSchema,
  CreateOperatorRequestSchema,
  CreateOperatorResponseSchema,
  ImportOperatorAccountRequestSchema,
  ImportOperatorRequestSchema,
  IssueUserRequestSchema,
  IssueUserResponseSchema,
  OkSchema,
  OperatorAccountParamsSchema,
  OperatorAccountWriteResponseSchema,
  OperatorStateSchema,
  OperatorUserParamsSchema,
  PushResultSchema,
  RevokeUserRequestSchema,
  UpdateOperatorAccountRequestSchema,
  type OperatorState,
} from '@switchboard/shared';
import { audited, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';
import { OperatorKeys, checkedJwt, operatorConfigText, rawPayload, type EntityRow } from './operator-keys.js';
import { pushAccountJwt, resolverInfo, serverAccounts, serverOperator } from './operator-push.js';
import { operatorKeyRoutes } from './routes-operator-keys.js';
import { operatorActivationRoutes } from './routes-operator-activations.js';
import { checkImportTokens } from './operator-activation.js';
import { SeedVault } from './seed-vault.js';

const err = ApiErrorBodySchema;
const admin = (what: string) => ({ access: 'admin' as const, what });
const CredsSchema = z.object({ creds: z.string(), fileName: z.string() });

/** `name.creds` with the name made safe for a file system. */
const credsFileName = (name: string): string => `${name.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'user'}.creds`;

export const operatorRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['operator'];
  const keys = new OperatorKeys(ctx.db, new SeedVault(ctx.db));
  const serverTrusts = (pub: string): boolean => serverOperator(ctx, pub) !== undefined;
  /** The operator keys the running server accepts (signers it trusts are preferred). */
  const trustedKeys = (): ReadonlySet<string> | undefined => {
    const op = keys.operatorRow();
    return op ? serverOperator(ctx, op.public_key)?.keys : undefined;
  };
  const opSigner = (given?: string) => keys.operatorSigner(given, trustedKeys());
  const opView = (row: EntityRow) => keys.operatorView(row, serverOperator(ctx, row.public_key));

  async function state(): Promise<OperatorState> {
    const op = ctx.server.operator;
    const onServer = await serverAccounts(ctx);
    const managed = keys.accountRows();
    const managedKeys = new Set(managed.map((a) => a.public_key));
    const serverJwt = new Map(onServer.map((a) => [a.publicKey, a.jwt]));
    const opRow = keys.operatorRow();
    const sys = op?.mode.systemAccount ?? (opRow ? (rawPayload(opRow.jwt).nats.system_account as string | undefined) : undefined);
    return {
      server: {
        operatorMode: op !== null,
        operators: (op?.mode.operators ?? []).map((o) => ({ name: o.name, publicKey: o.sub, signingKeys: o.nats.signingKeys, jwt: o.jwt })),
        ...(op?.mode.systemAccount ? { systemAccount: op.mode.systemAccount } : {}),
        ...(op ? { resolver: resolverInfo(ctx) } : {}),
        accounts: onServer.map((a) => ({ ...a, managed: managedKeys.has(a.publicKey) })),
      },
      operator: opRow ? opView(opRow) : null,
      accounts: managed.map((a) => keys.accountView(a, { onServer: serverJwt.get(a.public_key) === a.jwt, system: a.public_key === sys })),
    };
  }

  const accountResult = async (a: EntityRow) => (await state()).accounts.find((x) => x.publicKey === a.public_key)!;

  /** Pushes and records the push; the account row is re-read for the response. */
  const push = async (req: Parameters<typeof pushAccountJwt>[1], a: EntityRow) => {
    const r = await pushAccountJwt(ctx, req, a.public_key, a.jwt, a.name);
    if (r.ok) keys.markPushed(a.public_key);
    return r;
  };

  const kit = { ctx, keys, state, push, accountResult, opSigner, opView, trustedKeys };
  await app.register(operatorKeyRoutes, { kit });
  await app.register(operatorActivationRoutes, { kit });

  app.get('/operator', { schema: { tags, summary: 'Operator mode: the running server and what the console manages', response: { 200: OperatorStateSchema } } }, async () => state());

  app.post(
    '/operator',
    { config: admin('creating an operator'), schema: { tags, summary: 'Create an operator, its system account and a server config for them (seeds shown once)', body: CreateOperatorRequestSchema, response: { 201: CreateOperatorResponseSchema, 400: err, 403: err, 409: err } } },
    async (req, reply) => {
      const body = req.body;
      const r = await audited(ctx, req, { action: 'operator.create', target: body.name }, async () => {
        if (keys.operatorRow()) throw new ApiHttpError('OPERATOR_EXISTS', 'the console already manages an operator; forget it first');
        const made = await keys.createOperator(body.name, body.storeSeeds);
        const opRow = keys.operatorRow()!;
        const config = operatorConfigText({ name: body.name, operator: opRow.public_key, operatorJwt: made.operatorJwt, sys: made.sys, sysJwt: made.sysJwt, resolver: body.resolver });
        return { operator: opView(opRow), seeds: made.seeds, config };
      }, (r) => ({ detail: `${r.operator.publicKey}; seeds ${body.storeSeeds ? 'stored encrypted' : 'not stored'}` }));
      reply.code(201);
      return r;
    },
  );

  app.post(
    '/operator/import',
    { config: admin('importing an operator'), schema: { tags, summary: 'Import an operator JWT, optionally with its (or a signing key\'s) seed', body: ImportOperatorRequestSchema, response: { 200: OperatorStateSchema, 400: err, 403: err, 409: err, 422: err } } },
    async (req) => {
      const body = req.body;
      await audited(ctx, req, { action: 'operator.import' }, async () => {
        if (keys.operatorRow()) throw new ApiHttpError('OPERATOR_EXISTS', 'the console already manages an operator; forget it first');
        keys.importOperator(body.jwt, body.seed, body.storeSeed);
        // The system account of a running server for this operator comes along (its JWT is public).
        const op = keys.operatorRow()!;
        const sys = ctx.server.operator?.mode.systemAccount;
        if (sys && serverTrusts(op.public_key)) {
          const found = (await serverAccounts(ctx)).find((a) => a.publicKey === sys);
          if (found) keys.save({ publicKey: sys, kind: 'account', parent: op.public_key, name: found.name, jwt: found.jwt });
        }
      }, () => ({ detail: `${keys.operatorRow()?.public_key}; ${body.seed ? (body.storeSeed ? 'seed stored encrypted' : 'seed checked, not stored') : 'no seed'}` }));
      return state();
    },
  );

  app.delete(
    '/operator',
    { config: admin('forgetting the operator'), schema: { tags, summary: 'Forget the operator, its accounts, users and stored seeds (the server is not changed)', response: { 200: OkSchema, 403: err, 404: err } } },
    async (req) =>
      audited(ctx, req, { action: 'operator.forget', target: keys.operatorRow()?.name }, async () => {
        keys.requireOperator();
        keys.forgetAll();
        return { ok: true as const };
      }),
  );

  app.post(
    '/operator/accounts',
    { config: admin('creating accounts'), schema: { tags, summary: 'Create an account: signed by the operator, pushed to the server (its seed shown once)', body: CreateOperatorAccountRequestSchema, response: { 201: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req, reply) => {
      const body = req.body;
      const r = await audited(ctx, req, { action: 'operator.account.create', target: body.name }, async () => {
        const op = keys.requireOperator();
        checkImportTokens(body.imports, null);
        const signer = opSigner(body.operatorSeed);
        const made = await keys.signAccount(body, signer);
        ctx.db.transaction(() => {
          keys.save({ publicKey: made.publicKey, kind: 'account', parent: op.public_key, name: body.name, jwt: made.jwt });
          if (body.storeSeed && made.seed) keys.vault.put(made.publicKey, made.publicKey, made.seed);
        })();
        const row = keys.requireAccount(made.publicKey);
        const pushed = body.push ? await push(req, row) : undefined;
        return { account: await accountResult(row), seeds: [{ kind: 'account' as const, name: body.name, publicKey: made.publicKey, seed: made.seed! }], ...(pushed ? { push: pushed } : {}) };
      }, (r) => ({ detail: `${r.account.publicKey}; ${pushSummary(r.push)}` }));
      reply.code(201);
      return r;
    },
  );

  app.post(
    '/operator/accounts/import',
    { config: admin('importing accounts'), schema: { tags, summary: 'Bring an existing account JWT under the console (optionally with a seed to issue users)', body: ImportOperatorAccountRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req) => {
      const body = req.body;
      return audited(ctx, req, { action: 'operator.account.import' }, async () => {
        const op = keys.requireOperator();
        const c = checkedJwt(body.jwt, 'account');
        const opNats = rawPayload(op.jwt).nats;
        const signers = [op.public_key, ...((opNats.signing_keys as string[] | undefined) ?? [])];
        if (!signers.includes(c.iss)) throw new ApiHttpError('OPERATOR_INVALID_JWT', `account ${c.name} is signed by ${c.iss}, not by operator ${op.name} or its signing keys`);
        let seedKey: string | undefined;
        if (body.seed) {
          seedKey = fromSeed(new TextEncoder().encode(body.seed)).getPublicKey();
          const allowed = [c.sub, ...[...c.nats.signingKeys.keys()]];
          if (!allowed.includes(seedKey)) throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the seed is not the key or a signing key of account ${c.name}`);
        }
        ctx.db.transaction(() => {
          keys.save({ publicKey: c.sub, kind: 'account', parent: op.public_key, name: c.name, jwt: c.jwt });
          if (body.seed && body.storeSeed && seedKey) keys.vault.put(seedKey, c.sub, body.seed.trim());
        })();
        return { account: await accountResult(keys.requireAccount(c.sub)), seeds: [] };
      }, (r) => ({ detail: `${r.account.name} ${r.account.publicKey}` }));
    },
  );

  app.put(
    '/operator/accounts/:account',
    { config: admin('changing accounts'), schema: { tags, summary: 'Change an account (limits, exports, imports): re-signed and pushed', params: OperatorAccountParamsSchema, body: UpdateOperatorAccountRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req) => {
      const body = req.body;
      const { account } = req.params;
      return audited(ctx, req, { action: 'operator.account.update', target: `${body.name} (${account})` }, async () => {
        const row = keys.requireAccount(account);
        checkImportTokens(body.imports, account);
        const signed = await keys.signAccount(body, opSigner(body.operatorSeed), row);
        keys.save({ publicKey: account, kind: 'account', parent: row.parent ?? undefined, name: body.name, jwt: signed.jwt });
        const next = keys.requireAccount(account);
        const pushed = body.push ? await push(req, next) : undefined;
        return { account: await accountResult(next), seeds: [], ...(pushed ? { push: pushed } : {}) };
      }, (r) => ({ detail: pushSummary(r.push) }));
    },
  );

  app.post(
    '/operator/accounts/:account/push',
    { config: admin('pushing accounts'), schema: { tags, summary: 'Push the account JWT to the running server again', params: OperatorAccountParamsSchema, response: { 200: PushResultSchema, 403: err, 404: err, 502: err } } },
    async (req) => {
      const { account } = req.params;
      return audited(ctx, req, { action: 'operator.account.push', target: account }, async () => {
        const r = await push(req, keys.requireAccount(account));
        if (!r.ok) throw new ApiHttpError('OPERATOR_PUSH_FAILED', `the account was not pushed: ${r.message}`);
        return r;
      }, (r) => ({ detail: pushSummary(r) }));
    },
  );

  app.post(
    '/operator/accounts/:account/users',
    { config: admin('issuing user credentials'), schema: { tags, summary: 'Issue a user of the account: its .creds file (the seed inside is shown once unless stored)', params: OperatorAccountParamsSchema, body: IssueUserRequestSchema, response: { 201: IssueUserResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req, reply) => {
      const body = req.body;
      const { account } = req.params;
      const r = await audited(ctx, req, { action: 'operator.user.issue', target: `${body.name} (account ${account})` }, async () => {
        const row = keys.requireAccount(account);
        const made = await keys.issueUser(row, keys.userSigner(row, body.accountSeed, body.signingKey), body);
        ctx.db.transaction(() => {
          keys.save({ publicKey: made.publicKey, kind: 'user', parent: account, name: body.name, jwt: made.jwt });
          if (body.storeSeed) keys.vault.put(made.publicKey, made.publicKey, made.seed);
        })();
        const user = keys.userView(keys.row(made.publicKey, 'user')!);
        return { user, creds: J.formatUserCreds(made.jwt, made.seed), fileName: credsFileName(body.name) };
      }, (r) => ({ detail: `${r.user.publicKey}; seed ${body.storeSeed ? 'stored encrypted' : 'not stored'}` }));
      reply.code(201);
      return r;
    },
  );

  app.get(
    '/operator/accounts/:account/users/:user/creds',
    { config: admin('downloading user credentials'), schema: { tags, summary: 'The .creds file again (only when its seed was stored)', params: OperatorUserParamsSchema, response: { 200: CredsSchema, 403: err, 404: err } } },
    async (req) => {
      const { account, user } = req.params;
      return audited(ctx, req, { action: 'operator.user.creds', target: `${user} (account ${account})` }, async () => {
        const u = keys.row(user, 'user');
        if (!u || u.parent !== account) throw new ApiHttpError('USER_NOT_FOUND', `the console issued no user ${user} in account ${account}`);
        const seed = keys.vault.get(user);
        if (!seed) throw new ApiHttpError('NOT_FOUND', 'the seed of this user was not stored: its creds were shown once; issue a new user');
        return { creds: J.formatUserCreds(u.jwt, seed), fileName: credsFileName(u.name) };
      });
    },
  );

  app.post(
    '/operator/accounts/:account/users/:user/revoke',
    { config: admin('revoking users'), schema: { tags, summary: 'Revoke a user: the account JWT is re-signed with the revocation and pushed; the connected user is cut', params: OperatorUserParamsSchema, body: RevokeUserRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err, 502: err } } },
    async (req) => {
      const { account, user } = req.params;
      return audited(ctx, req, { action: 'operator.user.revoke', target: `${user} (account ${account})` }, async () => {
        const row = keys.requireAccount(account);
        const at = Math.floor(Date.now() / 1000);
        const signed = await keys.revokeInAccount(row, user, at, opSigner(req.body?.operatorSeed));
        keys.save({ publicKey: account, kind: 'account', parent: row.parent ?? undefined, name: row.name, jwt: signed });
        if (keys.row(user, 'user')) keys.markRevoked(user, at);
        const pushed = await push(req, keys.requireAccount(account));
        if (!pushed.ok) throw new ApiHttpError('OPERATOR_PUSH_FAILED', `the revocation is signed and kept, but the server did not take it: ${pushed.message}; push the account again`);
        return { account: await accountResult(keys.requireAccount(account)), seeds: [], push: pushed };
      }, (r) => ({ detail: pushSummary(r.push) }));
    },
  );
};

function pushSummary(p: { ok: boolean; via: string; message: string; revision?: string } | undefined): string {
  if (!p) return 'not pushed';
  return `${p.ok ? 'pushed' : 'not pushed'} (${p.via}): ${p.message}`;
}
