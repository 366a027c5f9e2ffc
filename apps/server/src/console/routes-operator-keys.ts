/*
 * The operator page's key work, so an operator never needs nsc:
 *   POST   /operator/signing-keys                           add an operator signing key (operator JWT re-signed by its own key)
 *   DELETE /operator/signing-keys/:key                      remove one; accounts it signed are re-signed with another key and pushed
 *   POST   /operator/accounts/:account/signing-keys          add an account signing key, plain or scoped (role + template)
 *   DELETE /operator/accounts/:account/signing-keys/:key     remove one (users it signed are cut by the server)
 *   PUT    /operator/strict-signing                         set strict_signing_key_usage (accounts the operator key signed are re-signed with a signing key)
 *   DELETE /operator/accounts/:account                       delete an account: on the server as its resolver allows, and here
 * Admin-only, audited; new seeds only in the response that made them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { createOperator, type KeyPair } from '@nats-io/nkeys';
import {
  AccountSigningKeyParamsSchema,
  AddAccountSigningKeyRequestSchema,
  AddOperatorSigningKeyRequestSchema,
  ApiErrorBodySchema,
  DeleteAccountRequestSchema,
  DeleteAccountResponseSchema,
  OperatorAccountParamsSchema,
  OperatorAccountWriteResponseSchema,
  OperatorSigningKeyResponseSchema,
  SignerOnlyRequestSchema,
  StrictSigningRequestSchema,
  SigningKeyParamsSchema,
  type ManagedAccount,
  type OperatorState,
  type OperatorView,
  type PushResult,
  type ShownSeed,
} from '@switchboard/shared';
import { audited, type ConsoleContext } from './context.js';
import { ApiHttpError, validationFailed } from './errors.js';
import { rawPayload, type EntityRow, type OperatorKeys } from './operator-keys.js';
import { deleteOnServer, resolverInfo, serverAccounts } from './operator-push.js';

export interface OperatorRouteKit {
  ctx: ConsoleContext;
  keys: OperatorKeys;
  state: () => Promise<OperatorState>;
  push: (req: FastifyRequest, a: EntityRow) => Promise<PushResult>;
  accountResult: (a: EntityRow) => Promise<ManagedAccount>;
  opSigner: (given?: string) => KeyPair;
  opView: (row: EntityRow) => OperatorView;
  /** The operator keys the running server accepts account JWTs from. */
  trustedKeys: () => ReadonlySet<string> | undefined;
}

const err = ApiErrorBodySchema;
const admin = (what: string) => ({ access: 'admin' as const, what });
const seedText = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());
const summary = (p?: PushResult) => (p ? `${p.ok ? 'done' : 'not done'} (${p.via}): ${p.message}` : 'not pushed');

export const operatorKeyRoutes: FastifyPluginAsyncZod<{ kit: OperatorRouteKit }> = async (app, { kit }) => {
  const { ctx, keys, push, accountResult, opSigner, opView, trustedKeys } = kit;
  const tags = ['operator'];

  const restartNotice = (op: EntityRow): string => {
    const running = ctx.server.operator?.mode.operators.find((o) => o.sub === op.public_key);
    if (!running) return 'The running server does not trust this operator; use this operator JWT in the config of the server that should.';
    if (running.jwt === op.jwt) return 'The running server already has this operator JWT.';
    return 'The running server still has the previous operator JWT (operators are read at start, as in nats-server): put this one in its config (operator: …) and restart it to trust the change.';
  };

  /**
   * Stores a re-signed operator JWT with the accounts re-signed for it (one transaction), pushes
   * those accounts when asked, and answers with the operator and each account's push result.
   */
  const saveResigned = async (req: FastifyRequest, op: EntityRow, jwt: string, resignedJwts: Array<{ row: EntityRow; jwt: string }>, doPush: boolean) => {
    ctx.db.transaction(() => {
      keys.save({ publicKey: op.public_key, kind: 'operator', name: op.name, jwt });
      for (const r of resignedJwts) keys.save({ publicKey: r.row.public_key, kind: 'account', parent: r.row.parent ?? undefined, name: r.row.name, jwt: r.jwt });
    })();
    const resigned = [];
    for (const r of resignedJwts) {
      const row = keys.requireAccount(r.row.public_key);
      const p = doPush ? await push(req, row) : ({ ok: false, via: 'none', message: 'not pushed' } as const);
      resigned.push({ name: row.name, publicKey: row.public_key, push: p });
    }
    const row = keys.requireOperator();
    return { operator: opView(row), seeds: [], resigned, notice: restartNotice(row) };
  };

  app.post(
    '/operator/signing-keys',
    { config: admin('adding operator signing keys'), schema: { tags, summary: 'Add an operator signing key (the operator JWT is re-signed by the operator\'s own key; its seed shown once)', body: AddOperatorSigningKeyRequestSchema, response: { 201: OperatorSigningKeyResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req, reply) => {
      const body = req.body;
      const r = await audited(ctx, req, { action: 'operator.signing-key.add' }, async () => {
        const op = keys.requireOperator();
        const identity = keys.operatorIdentity(body.operatorSeed);
        const sk = createOperator();
        const jwt = await keys.resignOperator(identity, (n) => {
          n.signing_keys = [...((n.signing_keys as unknown[] | undefined) ?? []), sk.getPublicKey()];
        });
        ctx.db.transaction(() => {
          keys.save({ publicKey: op.public_key, kind: 'operator', name: op.name, jwt });
          if (body.storeSeed) keys.vault.put(sk.getPublicKey(), op.public_key, seedText(sk));
        })();
        const row = keys.requireOperator();
        const seeds: ShownSeed[] = [{ kind: 'operator signing key', name: op.name, publicKey: sk.getPublicKey(), seed: seedText(sk) }];
        return { operator: opView(row), seeds, resigned: [], notice: restartNotice(row) };
      }, (r) => ({ detail: `${r.seeds[0]!.publicKey}; seed ${body.storeSeed ? 'stored encrypted' : 'not stored'}` }));
      reply.code(201);
      return r;
    },
  );

  app.delete(
    '/operator/signing-keys/:key',
    { config: admin('removing operator signing keys'), schema: { tags, summary: 'Remove an operator signing key: accounts it signed are re-signed with another key and pushed', params: SigningKeyParamsSchema, body: SignerOnlyRequestSchema, response: { 200: OperatorSigningKeyResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req) => {
      const { key } = req.params;
      const body = req.body ?? { push: true };
      return audited(ctx, req, { action: 'operator.signing-key.remove', target: key }, async () => {
        const op = keys.requireOperator();
        const signing = ((rawPayload(op.jwt).nats.signing_keys as unknown[] | undefined) ?? []).filter((k): k is string => typeof k === 'string');
        if (!signing.includes(key)) throw new ApiHttpError('NOT_FOUND', `${key} is not a signing key of operator ${op.name}`);
        if (rawPayload(op.jwt).nats.strict_signing_key_usage === true && signing.length === 1) {
          throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `operator ${op.name} uses strict signing keys: ${key} is its last signing key, and only signing keys sign accounts; add another one first, or turn strict signing off`);
        }
        const identity = keys.operatorIdentity(body.operatorSeed);
        const affected = keys.accountsSignedBy(key);
        const jwt = await keys.resignOperator(identity, (n) => {
          n.signing_keys = signing.filter((k) => k !== key);
        });
        // Re-sign what the removed key signed with a key that stays (not the removed one).
        const resignedJwts: Array<{ row: EntityRow; jwt: string }> = [];
        const sealedSeed = keys.vault.get(key);
        keys.vault.deleteKey(key);
        try {
          if (affected.length) {
            let signer: KeyPair;
            try {
              signer = opSigner();
            } catch (e) {
              // The operator's own key signs accounts too, unless the operator is strict.
              if (rawPayload(op.jwt).nats.strict_signing_key_usage === true) throw e;
              signer = identity;
            }
            for (const a of affected) resignedJwts.push({ row: a, jwt: await keys.resignAccount(a, signer) });
          }
        } catch (e) {
          if (sealedSeed) keys.vault.put(key, op.public_key, sealedSeed);
          throw e;
        }
        return saveResigned(req, op, jwt, resignedJwts, body.push);
      }, (r) => ({ detail: `re-signed ${r.resigned.length} account(s)` }));
    },
  );

  app.put(
    '/operator/strict-signing',
    { config: admin('changing the operator'), schema: { tags, summary: "Set strict_signing_key_usage: only the operator's signing keys sign accounts (the operator JWT is re-signed by its own key; accounts its own key signed are re-signed with a signing key and pushed)", body: StrictSigningRequestSchema, response: { 200: OperatorSigningKeyResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req) => {
      const body = req.body;
      return audited(ctx, req, { action: 'operator.strict-signing', target: String(body.strict) }, async () => {
        const op = keys.requireOperator();
        const signing = ((rawPayload(op.jwt).nats.signing_keys as unknown[] | undefined) ?? []).filter((k): k is string => typeof k === 'string');
        if (body.strict && signing.length === 0) {
          throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `operator ${op.name} has no signing key: with strict signing key usage only signing keys sign accounts; add one first`);
        }
        const identity = keys.operatorIdentity(body.operatorSeed);
        const jwt = await keys.resignOperator(identity, (n) => {
          if (body.strict) n.strict_signing_key_usage = true;
          else delete n.strict_signing_key_usage;
        });
        // Under strict usage the server refuses accounts the operator's own key signed: re-sign them with a signing key.
        const affected = body.strict ? keys.accountsSignedBy(op.public_key) : [];
        const resignedJwts: Array<{ row: EntityRow; jwt: string }> = [];
        if (affected.length) {
          const signer = keys.signingKeySigner(trustedKeys());
          if (!signer) {
            throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the operator's own key signed ${affected.map((a) => a.name).join(', ')}, and the console stores no signing key seed to re-sign them: store one (add an operator signing key here) first`);
          }
          for (const a of affected) resignedJwts.push({ row: a, jwt: await keys.resignAccount(a, signer) });
        }
        return saveResigned(req, op, jwt, resignedJwts, body.push);
      }, (r) => ({ detail: `strict ${body.strict}; re-signed ${r.resigned.length} account(s)` }));
    },
  );

  app.post(
    '/operator/accounts/:account/signing-keys',
    { config: admin('adding account signing keys'), schema: { tags, summary: 'Add an account signing key, scoped when a role is given (users it signs get the template\'s permissions); re-signed and pushed', params: OperatorAccountParamsSchema, body: AddAccountSigningKeyRequestSchema, response: { 201: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req, reply) => {
      const body = req.body;
      const { account } = req.params;
      const r = await audited(ctx, req, { action: 'operator.account.signing-key.add', target: account }, async () => {
        const row = keys.requireAccount(account);
        const roles = new Set(keys.accountView(row, { onServer: false, system: false }).signingKeys.map((k) => k.role).filter(Boolean));
        if (body.role && roles.has(body.role)) throw validationFailed([{ path: 'body.role', message: `account ${row.name} already has a scoped key with role "${body.role}"` }], 'body');
        const made = await keys.addAccountSigningKey(row, opSigner(body.operatorSeed), body.role, body.template);
        ctx.db.transaction(() => {
          keys.save({ publicKey: account, kind: 'account', parent: row.parent ?? undefined, name: row.name, jwt: made.jwt });
          if (body.storeSeed) keys.vault.put(made.kp.getPublicKey(), account, seedText(made.kp));
        })();
        const next = keys.requireAccount(account);
        const pushed = body.push ? await push(req, next) : undefined;
        const seeds: ShownSeed[] = [{ kind: 'account signing key', name: body.role ? `${row.name} (role ${body.role})` : row.name, publicKey: made.kp.getPublicKey(), seed: seedText(made.kp) }];
        return { account: await accountResult(next), seeds, ...(pushed ? { push: pushed } : {}) };
      }, (r) => ({ detail: `${r.seeds[0]!.publicKey}${body.role ? ` scoped, role ${body.role}` : ''}; ${summary(r.push)}` }));
      reply.code(201);
      return r;
    },
  );

  app.delete(
    '/operator/accounts/:account/signing-keys/:key',
    { config: admin('removing account signing keys'), schema: { tags, summary: 'Remove an account signing key: re-signed and pushed; the server cuts users it signed', params: AccountSigningKeyParamsSchema, body: SignerOnlyRequestSchema, response: { 200: OperatorAccountWriteResponseSchema, 400: err, 403: err, 404: err, 422: err } } },
    async (req) => {
      const { account, key } = req.params;
      const body = req.body ?? { push: true };
      return audited(ctx, req, { action: 'operator.account.signing-key.remove', target: `${key} (account ${account})` }, async () => {
        const row = keys.requireAccount(account);
        const jwt = await keys.removeAccountSigningKey(row, opSigner(body.operatorSeed), key);
        ctx.db.transaction(() => {
          keys.save({ publicKey: account, kind: 'account', parent: row.parent ?? undefined, name: row.name, jwt });
          keys.vault.deleteKey(key);
        })();
        const next = keys.requireAccount(account);
        const pushed = body.push ? await push(req, next) : undefined;
        return { account: await accountResult(next), seeds: [], ...(pushed ? { push: pushed } : {}) };
      }, (r) => ({ detail: summary(r.push) }));
    },
  );

  app.delete(
    '/operator/accounts/:account',
    { config: admin('deleting accounts'), schema: { tags, summary: 'Delete an account: on the server ($SYS.REQ.CLAIMS.DELETE where the resolver allows it, or every user revoked), and from the console', params: OperatorAccountParamsSchema, body: DeleteAccountRequestSchema, response: { 200: DeleteAccountResponseSchema, 400: err, 403: err, 404: err, 409: err, 422: err, 502: err } } },
    async (req) => {
      const { account } = req.params;
      const body = req.body ?? { server: 'delete' as const };
      return audited(ctx, req, { action: 'operator.account.delete', target: account }, async () => {
        const row = keys.requireAccount(account);
        const op = keys.requireOperator();
        const sys = ctx.server.operator?.mode.systemAccount ?? (rawPayload(op.jwt).nats.system_account as string | undefined);
        if (account === sys) throw new ApiHttpError('OPERATOR_DELETE_NOT_ALLOWED', 'the system account cannot be deleted (nats-server refuses it too)');
        const onServer = (await serverAccounts(ctx)).some((a) => a.publicKey === account);
        let server: PushResult;
        if (body.server === 'keep') server = { ok: true, via: 'none', message: 'the server was not changed' };
        else if (!onServer && ctx.server.operator) server = { ok: true, via: 'none', message: "the server's resolver does not hold this account" };
        else if (body.server === 'delete') {
          const info = resolverInfo(ctx);
          if (!info?.deletable) {
            throw new ApiHttpError('OPERATOR_DELETE_NOT_ALLOWED', `the server cannot delete accounts: ${info?.deleteHow ?? 'it is not in operator mode'}. Revoke every user of the account instead (server: "revoke-users"), or only forget it here (server: "keep")`);
          }
          server = await deleteOnServer(ctx, await keys.deleteRequest(opSigner(body.operatorSeed), [account]));
          if (!server.ok) throw new ApiHttpError('OPERATOR_PUSH_FAILED', `the server did not delete the account: ${server.message}; nothing changed here`);
        } else {
          // Every user issued until now revoked (`*`): its connected clients are cut, no creds of it connect.
          const at = Math.floor(Date.now() / 1000);
          const jwt = await keys.revokeInAccount(row, '*', at, opSigner(body.operatorSeed));
          server = await push(req, { ...row, jwt });
          if (!server.ok) throw new ApiHttpError('OPERATOR_PUSH_FAILED', `the revocation of every user was not taken: ${server.message}; nothing changed here`);
        }
        keys.forgetAccount(account);
        return { deleted: account, name: row.name, server };
      }, (r) => ({ detail: `${r.name}; server ${summary(r.server)}` }));
    },
  );
};
