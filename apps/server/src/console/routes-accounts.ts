/*
 * Convenience endpoints for accounts (their users, exports, imports) and the gateway block. Each
 * write edits the config file's model and goes through the same path as PUT /api/config
 * (validate, refuse restarts, atomic write, reload, revision, audit). If-Match is optional here:
 * when sent, a stale revision is refused. Account names are user data: looked up as own keys
 * only, so `constructor` or `__proto__` are names like any other.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AccountListSchema,
  AccountParamsSchema,
  AccountResponseSchema,
  AccountSchema,
  AccountUserParamsSchema,
  AddUserRequestSchema,
  ApiErrorBodySchema,
  ApplyResponseSchema,
  CreateAccountRequestSchema,
  EditQuerySchema,
  ExportListSchema,
  GatewaysResponseSchema,
  ImportListSchema,
  PutGatewaysRequestSchema,
  UserListSchema,
  type Account,
  type GatewayOptions,
  type OptionsInput,
} from '@switchboard/shared';
import { applyAudited } from './routes-config.js';
import { ifMatch, setRevision, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';

type Accounts = Record<string, Account>;
const err = ApiErrorBodySchema;

const accountsOf = (o: OptionsInput): Accounts => (o.accounts ?? {}) as Accounts;
const accountIn = (o: OptionsInput, name: string): Account | undefined => (Object.hasOwn(accountsOf(o), name) ? accountsOf(o)[name] : undefined);
/** A copy of `accounts` with `name` set (an own property, whatever the name). */
function withAccount(accounts: Accounts, name: string, account: Account): Accounts {
  const out = { ...accounts };
  Object.defineProperty(out, name, { value: account, enumerable: true, writable: true, configurable: true });
  return out;
}
function withoutAccount(accounts: Accounts, name: string): Accounts {
  const out = { ...accounts };
  delete out[name];
  return out;
}

export const accountRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const tags = ['accounts'];
  const admin = { access: 'admin' as const, what: 'changing accounts' };
  const getAccount = (name: string): Account => {
    const a = accountIn(ctx.config.fileOptions(), name);
    if (!a) throw new ApiHttpError('ACCOUNT_NOT_FOUND', `no account ${name}`);
    return a;
  };

  /** Edits the file's model with `mutate` and applies it, audited as `action`. */
  const edit = async (req: FastifyRequest, action: string, target: string, mutate: (o: OptionsInput) => void) => {
    const revision = ifMatch(req) ?? String(ctx.config.current().id);
    const { comment } = req.query as { comment?: string };
    return applyAudited(
      ctx,
      req,
      action,
      target,
      () => {
        const next = structuredClone(ctx.config.fileOptions());
        mutate(next);
        return ctx.config.check({ options: next });
      },
      revision,
      'edit',
      comment,
    );
  };
  const respond = <R extends { revision: string }>(reply: Parameters<typeof setRevision>[0], r: R): R => {
    setRevision(reply, r.revision);
    return r;
  };
  const writeResponses = { 200: ApplyResponseSchema, 400: err, 403: err, 404: err, 409: err, 422: err };

  app.get('/accounts', { schema: { tags, summary: 'Accounts as configured', response: { 200: AccountListSchema } } }, async (_req, reply) => {
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    return { revision, accounts: Object.entries(accountsOf(ctx.config.fileOptions())).map(([name, account]) => ({ name, account })) };
  });

  app.post(
    '/accounts',
    { config: admin, schema: { tags, summary: 'Create an account', querystring: EditQuerySchema, body: CreateAccountRequestSchema, response: { ...writeResponses, 201: ApplyResponseSchema } } },
    async (req, reply) => {
      const body = req.body;
      if (accountIn(ctx.config.fileOptions(), body.name)) throw new ApiHttpError('ACCOUNT_EXISTS', `account ${body.name} exists`);
      const r = await edit(req, 'account.create', body.name, (o) => {
        o.accounts = withAccount(accountsOf(o), body.name, body.account);
      });
      reply.code(201);
      return respond(reply, r);
    },
  );

  app.get('/accounts/:name', { schema: { tags, summary: 'One account', params: AccountParamsSchema, response: { 200: AccountResponseSchema, 400: err, 404: err } } }, async (req, reply) => {
    const { name } = req.params;
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    return { revision, name, account: getAccount(name) };
  });

  app.put(
    '/accounts/:name',
    { config: admin, schema: { tags, summary: 'Create or replace an account', params: AccountParamsSchema, querystring: EditQuerySchema, body: AccountSchema, response: writeResponses } },
    async (req, reply) => {
      const { name } = req.params;
      const account = req.body;
      const r = await edit(req, 'account.put', name, (o) => {
        o.accounts = withAccount(accountsOf(o), name, account);
      });
      return respond(reply, r);
    },
  );

  app.delete(
    '/accounts/:name',
    { config: admin, schema: { tags, summary: 'Remove an account', params: AccountParamsSchema, querystring: EditQuerySchema, response: writeResponses } },
    async (req, reply) => {
      const { name } = req.params;
      getAccount(name);
      const r = await edit(req, 'account.delete', name, (o) => {
        o.accounts = withoutAccount(accountsOf(o), name);
      });
      return respond(reply, r);
    },
  );

  // Lists inside an account: users, exports, imports (GET and PUT of the whole list).
  const lists = [
    { key: 'users', schema: UserListSchema },
    { key: 'exports', schema: ExportListSchema },
    { key: 'imports', schema: ImportListSchema },
  ] as const;
  for (const { key, schema } of lists) {
    app.get(`/accounts/:name/${key}`, { schema: { tags, summary: `An account's ${key}`, params: AccountParamsSchema, response: { 200: schema, 400: err, 404: err } } }, async (req, reply) => {
      setRevision(reply, String(ctx.config.current().id));
      return { [key]: getAccount(req.params.name)[key] ?? [] } as never;
    });
    app.put(
      `/accounts/:name/${key}`,
      { config: admin, schema: { tags, summary: `Replace an account's ${key}`, params: AccountParamsSchema, querystring: EditQuerySchema, body: schema, response: writeResponses } },
      async (req, reply) => {
        const { name } = req.params;
        const list = (req.body as Record<string, unknown[]>)[key];
        getAccount(name);
        const r = await edit(req, `account.${key}`, name, (o) => {
          o.accounts = withAccount(accountsOf(o), name, { ...accountIn(o, name), [key]: list });
        });
        return respond(reply, r);
      },
    );
  }

  app.post(
    '/accounts/:name/users',
    { config: admin, schema: { tags, summary: 'Add a user to an account', params: AccountParamsSchema, querystring: EditQuerySchema, body: AddUserRequestSchema, response: writeResponses } },
    async (req, reply) => {
      const { name } = req.params;
      const user = req.body;
      const acc = getAccount(name);
      const id = user.user ?? user.nkey;
      if (!id) throw new ApiHttpError('VALIDATION_FAILED', 'invalid body.user: a user needs user or nkey', { issues: [{ path: 'body.user', message: 'a user needs user or nkey' }] });
      if ((acc.users ?? []).some((u) => (u.user ?? u.nkey) === id)) throw new ApiHttpError('USER_EXISTS', `user ${id} exists in account ${name}`);
      const r = await edit(req, 'account.user.add', `${name}/${id}`, (o) => {
        const a = accountIn(o, name) ?? {};
        o.accounts = withAccount(accountsOf(o), name, { ...a, users: [...(a.users ?? []), user] });
      });
      return respond(reply, r);
    },
  );

  app.delete(
    '/accounts/:name/users/:user',
    { config: admin, schema: { tags, summary: 'Remove a user from an account', params: AccountUserParamsSchema, querystring: EditQuerySchema, response: writeResponses } },
    async (req, reply) => {
      const { name, user: id } = req.params;
      const acc = getAccount(name);
      if (!(acc.users ?? []).some((u) => (u.user ?? u.nkey) === id)) throw new ApiHttpError('USER_NOT_FOUND', `no user ${id} in account ${name}`);
      const r = await edit(req, 'account.user.delete', `${name}/${id}`, (o) => {
        const a = accountIn(o, name) ?? {};
        o.accounts = withAccount(accountsOf(o), name, { ...a, users: (a.users ?? []).filter((u) => (u.user ?? u.nkey) !== id) });
      });
      return respond(reply, r);
    },
  );

  app.get('/gateways', { schema: { tags: ['gateways'], summary: 'The gateway block', response: { 200: GatewaysResponseSchema } } }, async (_req, reply) => {
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    // The file's own model (input form); the response schema fills in defaults as it serializes.
    return { revision, gateway: (ctx.config.fileOptions().gateway ?? null) as GatewayOptions | null };
  });

  app.put(
    '/gateways',
    {
      config: { access: 'admin', what: 'changing gateways' },
      schema: { tags: ['gateways'], summary: 'Replace the gateway block (changes need a restart, as in nats-server)', querystring: EditQuerySchema, body: PutGatewaysRequestSchema, response: writeResponses },
    },
    async (req, reply) => {
      const body = req.body;
      const r = await edit(req, 'gateways.put', 'gateway', (o) => {
        if (body.gateway === null) delete o.gateway;
        else o.gateway = body.gateway;
      });
      return respond(reply, r);
    },
  );
};
