/*
 * Pushing a signed account JWT to the running server, the way its resolver takes updates:
 * - full / cache (directory) resolver: `$SYS.REQ.CLAIMS.UPDATE` through the broker's internal
 *   client (the server checks the operator's signature, stores the file, applies it live);
 * - MEMORY resolver: the JWT is written into `resolver_preload` of the config file and the server
 *   reloads (a revision like any console edit; the reload applies it to loaded accounts live,
 *   revoked users are cut); without a config file the resolver is updated in memory (lost at a
 *   restart) and a loaded account gets `$SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE`;
 * - URL resolver: read-only here; the JWT goes to the account server.
 */
import type { FastifyRequest } from 'fastify';
import { jwt as J } from '@switchboard/broker';
import type { OptionsInput, PushResult, ServerOperator } from '@switchboard/shared';
import { actor, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';

const PUSH_TIMEOUT_MS = 5000;

/** How the running server takes account updates (null: not in operator mode). */
export function resolverInfo(ctx: ConsoleContext): ServerOperator['resolver'] | undefined {
  const op = ctx.server.operator;
  if (!op) return undefined;
  const type = op.resolver.kind;
  const del = deletable(ctx);
  const base = { deletable: del.ok, deleteHow: del.how };
  if (type === 'url') return { type, pushable: false, how: 'read-only here: push account JWTs to the account server (nsc push)', ...base };
  if (type === 'memory') {
    return ctx.config.editable
      ? { type, pushable: true, how: 'pushed accounts are written into resolver_preload of the config file and reloaded (kept across restarts)', ...base }
      : { type, pushable: true, how: 'no config file: pushed accounts live in memory only (lost at a restart)', ...base };
  }
  if (!ctx.server.events.enabled) return { type, pushable: false, how: 'the server runs without a system account: nothing can be pushed', ...base };
  return { type, pushable: true, how: 'pushed on $SYS.REQ.CLAIMS.UPDATE, stored in the resolver directory', ...base };
}

/** Whether the running server deletes accounts on `$SYS.REQ.CLAIMS.DELETE`, and why not. */
function deletable(ctx: ConsoleContext): { ok: boolean; how: string } {
  const op = ctx.server.operator!;
  const kind = op.resolver.kind;
  if (kind === 'memory') return { ok: false, how: 'the MEMORY resolver cannot delete accounts (nats-server has no delete for it)' };
  if (kind === 'url') return { ok: false, how: 'the URL resolver is read-only here: delete the account on the account server' };
  if (kind === 'cache') return { ok: false, how: 'a cache resolver only forgets accounts; delete on the server holding the full resolver' };
  const r = ctx.server.opts.resolver;
  if (!r || (r.type !== 'full' && r.type !== 'cache') || r.allowDelete !== true) return { ok: false, how: 'the full resolver runs with allow_delete: false; set allow_delete: true in its config to delete accounts' };
  if (!ctx.server.events.enabled) return { ok: false, how: 'the server runs without a system account: nothing can be sent to it' };
  return { ok: true, how: 'deleted on $SYS.REQ.CLAIMS.DELETE: the resolver renames its JWT file to .deleted and cuts its clients' };
}

/** Sends a `$SYS.REQ.CLAIMS.DELETE` request (a generic JWT signed by an operator key). */
export async function deleteOnServer(ctx: ConsoleContext, request: string): Promise<PushResult> {
  const info = resolverInfo(ctx);
  if (!info?.deletable) return { ok: false, via: 'none', message: info?.deleteHow ?? 'the server is not in operator mode' };
  let reply: unknown;
  try {
    reply = await ctx.server.events.request('$SYS.REQ.CLAIMS.DELETE', request, PUSH_TIMEOUT_MS);
  } catch (e) {
    return { ok: false, via: 'claims-delete', message: (e as Error).message };
  }
  const r = replyOutcome(reply);
  return { ok: r.ok, via: 'claims-delete', message: r.message };
}

/** The operator the running server trusts with key `pub`: its JWT and the keys it accepts account JWTs from. */
export function serverOperator(ctx: ConsoleContext, pub: string): { jwt: string; keys: ReadonlySet<string> } | undefined {
  const op = ctx.server.operator;
  if (!op) return undefined;
  const o = op.mode.operators.find((x) => x.sub === pub);
  if (o) return { jwt: o.jwt, keys: new Set([...(o.nats.strictSigningKeyUsage ? [] : [o.sub]), ...o.nats.signingKeys]) };
  if ((ctx.server.opts.trustedKeys ?? []).includes(pub)) return { jwt: '', keys: new Set([pub]) };
  return undefined;
}

/** The reply of a resolver request: `{data:{code,message}}` or `{error:{code,description}}`. */
function replyOutcome(reply: unknown): { ok: boolean; message: string } {
  const r = (typeof reply === 'string' ? safeJson(reply) : reply) as { data?: { code?: number; message?: string }; error?: { code?: number; description?: string } } | undefined;
  if (r?.error) return { ok: false, message: r.error.description ?? `error ${r.error.code ?? ''}`.trim() };
  if (r?.data) return { ok: (r.data.code ?? 200) < 400, message: r.data.message ?? 'ok' };
  return { ok: false, message: `unexpected reply: ${JSON.stringify(reply)}` };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Pushes `jwt` (account `key`); never throws for a refusal, the result says what happened. */
export async function pushAccountJwt(ctx: ConsoleContext, req: FastifyRequest, key: string, jwt: string, name: string): Promise<PushResult> {
  const op = ctx.server.operator;
  if (!op) return { ok: false, via: 'none', message: 'the server is not in operator mode: save the generated config and start a server with it' };
  const info = resolverInfo(ctx)!;
  if (!info.pushable) return { ok: false, via: 'none', message: info.how };
  // The server's own check first (trusted signer, claims): a JWT it would refuse is not pushed.
  const verdict = op.accounts.verify(key, jwt);
  if (!verdict.ok) return { ok: false, via: 'none', message: `the server refuses this account JWT: ${verdict.error}` };
  if (info.type === 'full' || info.type === 'cache') {
    let reply: unknown;
    try {
      reply = await ctx.server.events.request('$SYS.REQ.CLAIMS.UPDATE', jwt, PUSH_TIMEOUT_MS);
    } catch (e) {
      return { ok: false, via: 'claims-update', message: (e as Error).message };
    }
    const r = replyOutcome(reply);
    return { ok: r.ok, via: 'claims-update', message: r.message };
  }
  // MEMORY
  if (ctx.config.editable) {
    try {
      const next = structuredClone(ctx.config.fileOptions()) as OptionsInput & { resolverPreload?: Record<string, string> };
      next.resolverPreload = { ...(next.resolverPreload ?? {}), [key]: jwt };
      const who = actor(req);
      const out = await ctx.config.apply(ctx.config.check({ options: next }), String(ctx.config.current().id), {
        author: who.user,
        role: who.role,
        ip: who.ip,
        action: 'operator.account.preload',
        target: `${name} (${key})`,
        source: 'edit',
        comment: `account ${name} pushed from the operator page`,
      });
      if (out.appliesAtRestart) return { ok: false, via: 'config', message: 'written to resolver_preload; applies at the next restart', revision: out.revision };
      return { ok: true, via: 'config', message: 'written to resolver_preload and reloaded', revision: out.revision };
    } catch (e) {
      return { ok: false, via: 'config', message: e instanceof ApiHttpError ? e.message : `cannot write resolver_preload: ${(e as Error).message}` };
    }
  }
  if (op.resolver instanceof J.MemoryResolver) await op.resolver.update(key, jwt);
  if (!op.isLoaded(key)) return { ok: true, via: 'memory', message: 'stored in the MEMORY resolver (lost at a restart)' };
  let reply: unknown;
  try {
    reply = await ctx.server.events.request(`$SYS.REQ.ACCOUNT.${key}.CLAIMS.UPDATE`, jwt, PUSH_TIMEOUT_MS);
  } catch (e) {
    return { ok: false, via: 'memory', message: (e as Error).message };
  }
  const r = replyOutcome(reply);
  return { ok: r.ok, via: 'memory', message: r.ok ? `${r.message} (in memory; lost at a restart)` : r.message };
}

/** The accounts the running server's resolver holds (public key, name, JWT). */
export async function serverAccounts(ctx: ConsoleContext): Promise<Array<{ publicKey: string; name: string; jwt: string }>> {
  const op = ctx.server.operator;
  if (!op || op.resolver.kind === 'url') return [];
  let keys: string[];
  try {
    keys = await op.resolver.list();
  } catch {
    return [];
  }
  const out: Array<{ publicKey: string; name: string; jwt: string }> = [];
  for (const k of keys.slice(0, 1000)) {
    try {
      const jwt = await op.resolver.fetch(k);
      out.push({ publicKey: k, name: J.decodeAccountJwt(jwt).name, jwt });
    } catch {
      /* unreadable entry: left out */
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
