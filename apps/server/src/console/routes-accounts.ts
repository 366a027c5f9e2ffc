/*
 * Convenience endpoints for accounts (their users, exports, imports) and the gateway block. Each
 * write edits the config file's model and goes through the same path as PUT /api/config
 * (validate, refuse restarts, atomic write, reload, revision, audit). If-Match is optional here:
 * when sent, a stale revision is refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AccountListSchema,
  AccountNameSchema,
  AccountResponseSchema,
  AccountSchema,
  AddUserRequestSchema,
  ApiErrorBodySchema,
  ApplyResponseSchema,
  CreateAccountRequestSchema,
  ExportListSchema,
  GatewaysResponseSchema,
  ImportListSchema,
  PutGatewaysRequestSchema,
  UserListSchema,
  type Account,
  type OptionsInput,
} from '@switchboard/shared';
import { applyAudited } from './routes-config.js';
import { ifMatch, js, requireRole, requireSession, setRevision, type ConsoleContext } from './context.js';
import { ApiHttpError, parseWith } from './errors.js';
import { redact } from './config-store.js';

type AccountsInput = Record<string, Account>;
const err = js(ApiErrorBodySchema);
const clone = <T>(v: T): T => structuredClone(v);

export async function accountRoutes(app: FastifyInstance, { ctx }: { ctx: ConsoleContext }): Promise<void> {
  const tags = ['accounts'];
  const view = <T>(req: FastifyRequest, v: T): T => (requireSession(req).role === 'admin' ? v : redact(v));
  const accountsOf = (o: OptionsInput): AccountsInput => (o.accounts ?? {}) as AccountsInput;
  const getAccount = (name: string): Account => {
    const a = accountsOf(ctx.config.fileOptions())[name];
    if (!a) throw new ApiHttpError('ACCOUNT_NOT_FOUND', `no account ${name}`);
    return a;
  };
  const nameOf = (req: FastifyRequest) => parseWith(AccountNameSchema, (req.params as { name: string }).name, 'params');

  /** Edits the file's model with `mutate` and applies it, audited as `action`. */
  const edit = async (req: FastifyRequest, action: string, target: string, mutate: (o: OptionsInput) => void) => {
    requireRole(req, 'admin', 'changing accounts');
    const revision = ifMatch(req) ?? String(ctx.config.current().id);
    const q = req.query as { comment?: string };
    return applyAudited(
      ctx,
      req,
      action,
      target,
      () => {
        const next = clone(ctx.config.fileOptions());
        mutate(next);
        return ctx.config.check({ options: next });
      },
      revision,
      'edit',
      q.comment,
    );
  };
  const respond = (reply: { header(k: string, v: string): unknown }, r: { revision: string }) => {
    setRevision(reply as never, r.revision);
    return r;
  };

  app.get('/api/accounts', { schema: { tags, summary: 'Accounts as configured', response: { 200: js(AccountListSchema) } } }, async (req, reply) => {
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    const accounts = Object.entries(accountsOf(ctx.config.fileOptions())).map(([name, account]) => ({ name, account }));
    return view(req, { revision, accounts });
  });

  app.post('/api/accounts', { schema: { tags, summary: 'Create an account', body: js(CreateAccountRequestSchema, 'input'), response: { 201: js(ApplyResponseSchema), 409: err, 422: err } } }, async (req, reply) => {
    requireRole(req, 'admin', 'changing accounts');
    const body = parseWith(CreateAccountRequestSchema, req.body, 'body');
    if (accountsOf(ctx.config.fileOptions())[body.name]) throw new ApiHttpError('ACCOUNT_EXISTS', `account ${body.name} exists`);
    const r = await edit(req, 'account.create', body.name, (o) => {
      o.accounts = { ...accountsOf(o), [body.name]: body.account };
    });
    reply.code(201);
    return respond(reply, r);
  });

  app.get('/api/accounts/:name', { schema: { tags, summary: 'One account', response: { 200: js(AccountResponseSchema), 404: err } } }, async (req, reply) => {
    const name = nameOf(req);
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    return view(req, { revision, name, account: getAccount(name) });
  });

  app.put('/api/accounts/:name', { schema: { tags, summary: 'Create or replace an account', body: js(AccountSchema, 'input'), response: { 200: js(ApplyResponseSchema), 400: err, 409: err, 422: err } } }, async (req, reply) => {
    const name = nameOf(req);
    requireRole(req, 'admin', 'changing accounts');
    const account = parseWith(AccountSchema, req.body, 'body');
    const r = await edit(req, 'account.put', name, (o) => {
      o.accounts = { ...accountsOf(o), [name]: account };
    });
    return respond(reply, r);
  });

  app.delete('/api/accounts/:name', { schema: { tags, summary: 'Remove an account', response: { 200: js(ApplyResponseSchema), 404: err, 409: err, 422: err } } }, async (req, reply) => {
    const name = nameOf(req);
    requireRole(req, 'admin', 'changing accounts');
    getAccount(name);
    const r = await edit(req, 'account.delete', name, (o) => {
      const a = { ...accountsOf(o) };
      delete a[name];
      o.accounts = a;
    });
    return respond(reply, r);
  });

  // Lists inside an account: users, exports, imports (GET and PUT of the whole list).
  const lists = [
    { key: 'users', schema: UserListSchema },
    { key: 'exports', schema: ExportListSchema },
    { key: 'imports', schema: ImportListSchema },
  ] as const;
  for (const { key, schema } of lists) {
    app.get(`/api/accounts/:name/${key}`, { schema: { tags, summary: `An account's ${key}`, response: { 200: js(schema), 404: err } } }, async (req, reply) => {
      const name = nameOf(req);
      setRevision(reply, String(ctx.config.current().id));
      return view(req, { [key]: getAccount(name)[key] ?? [] });
    });
    app.put(`/api/accounts/:name/${key}`, { schema: { tags, summary: `Replace an account's ${key}`, body: js(schema, 'input'), response: { 200: js(ApplyResponseSchema), 400: err, 404: err, 409: err, 422: err } } }, async (req, reply) => {
      const name = nameOf(req);
      requireRole(req, 'admin', 'changing accounts');
      const body = parseWith(schema, req.body, 'body') as Record<string, unknown[]>;
      getAccount(name);
      const r = await edit(req, `account.${key}`, name, (o) => {
        const accs = accountsOf(o);
        accs[name] = { ...accs[name], [key]: body[key] };
      });
      return respond(reply, r);
    });
  }

  app.post('/api/accounts/:name/users', { schema: { tags, summary: 'Add a user to an account', body: js(AddUserRequestSchema, 'input'), response: { 200: js(ApplyResponseSchema), 400: err, 404: err, 409: err } } }, async (req, reply) => {
    const name = nameOf(req);
    requireRole(req, 'admin', 'changing accounts');
    const user = parseWith(AddUserRequestSchema, req.body, 'body');
    const acc = getAccount(name);
    const id = user.user ?? user.nkey;
    if (!id) throw new ApiHttpError('VALIDATION_FAILED', 'invalid body.user: a user needs user or nkey', { issues: [{ path: 'body.user', message: 'a user needs user or nkey' }] });
    if ((acc.users ?? []).some((u) => (u.user ?? u.nkey) === id)) throw new ApiHttpError('USER_EXISTS', `user ${id} exists in account ${name}`);
    const r = await edit(req, 'account.user.add', `${name}/${id}`, (o) => {
      const accs = accountsOf(o);
      accs[name] = { ...accs[name], users: [...(accs[name].users ?? []), user] };
    });
    return respond(reply, r);
  });

  app.delete('/api/accounts/:name/users/:user', { schema: { tags, summary: 'Remove a user from an account', response: { 200: js(ApplyResponseSchema), 404: err, 409: err } } }, async (req, reply) => {
    const name = nameOf(req);
    requireRole(req, 'admin', 'changing accounts');
    const id = (req.params as { user: string }).user;
    const acc = getAccount(name);
    if (!(acc.users ?? []).some((u) => (u.user ?? u.nkey) === id)) throw new ApiHttpError('USER_NOT_FOUND', `no user ${id} in account ${name}`);
    const r = await edit(req, 'account.user.delete', `${name}/${id}`, (o) => {
      const accs = accountsOf(o);
      accs[name] = { ...accs[name], users: (accs[name].users ?? []).filter((u) => (u.user ?? u.nkey) !== id) };
    });
    return respond(reply, r);
  });

  app.get('/api/gateways', { schema: { tags: ['gateways'], summary: 'The gateway block', response: { 200: js(GatewaysResponseSchema) } } }, async (req, reply) => {
    const revision = String(ctx.config.current().id);
    setRevision(reply, revision);
    return view(req, { revision, gateway: ctx.config.fileOptions().gateway ?? null });
  });

  app.put('/api/gateways', { schema: { tags: ['gateways'], summary: 'Replace the gateway block (changes need a restart, as in nats-server)', body: js(PutGatewaysRequestSchema, 'input'), response: { 200: js(ApplyResponseSchema), 400: err, 409: err, 422: err } } }, async (req, reply) => {
    requireRole(req, 'admin', 'changing gateways');
    const body = parseWith(PutGatewaysRequestSchema, req.body, 'body');
    const r = await edit(req, 'gateways.put', 'gateway', (o) => {
      if (body.gateway === null) delete o.gateway;
      else o.gateway = body.gateway;
    });
    return respond(reply, r);
  });
}
