/** What the console's plugins share, and the helpers every route uses. */
import type {} from '@fastify/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Switchboard } from '@switchboard/broker';
import type { Role } from '@switchboard/shared';
import type { AuditLog, AuditRecord } from './audit.js';
import type { LoginLimiter, SessionUser, UserStore } from './auth.js';
import type { ConfigStore } from './config-store.js';
import type { Db } from './db.js';
import { ApiHttpError } from './errors.js';
import type { EventHub } from './events.js';
import type { ConsoleLog } from './log.js';
import type { StatsSampler } from './sampler.js';

export interface ConsoleContext {
  server: Switchboard;
  db: Db;
  users: UserStore;
  audit: AuditLog;
  config: ConfigStore;
  hub: EventHub;
  sampler: StatsSampler;
  limiter: LoginLimiter;
  secureCookies: boolean;
  log: ConsoleLog;
}

/**
 * Who may call a route of the API plugin (its `config.access`): `public` (login, the OpenAPI
 * document), `viewer` (any session; the default) or `admin`. `what` completes the 403 message.
 */
export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyRequest {
    sessionUser: SessionUser | null;
    sessionExpired: boolean;
  }
  interface FastifyContextConfig {
    access?: Access;
    what?: string;
  }
}

export function requireSession(req: FastifyRequest): SessionUser {
  if (req.sessionUser) return req.sessionUser;
  if (req.sessionExpired) throw new ApiHttpError('SESSION_EXPIRED');
  throw new ApiHttpError('UNAUTHENTICATED');
}

export function requireRole(req: FastifyRequest, role: Role, what: string): SessionUser {
  const s = requireSession(req);
  if (role === 'admin' && s.role !== 'admin') {
    throw new ApiHttpError('FORBIDDEN', `${what} needs the admin role; you are logged in as ${s.user} (${s.role})`, { requiredRole: 'admin' });
  }
  return s;
}

/** The revision in If-Match (`"12"`, `W/"12"` or `12`), if any. */
export function ifMatch(req: FastifyRequest): string | undefined {
  const h = req.headers['if-match'];
  if (typeof h !== 'string' || h.trim() === '' || h.trim() === '*') return undefined;
  return h.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function setRevision(reply: FastifyReply, revision: string): void {
  reply.header('etag', `"${revision}"`);
}

/** Who is acting, for the audit log. */
export function actor(req: FastifyRequest): Pick<AuditRecord, 'user' | 'role' | 'ip'> {
  const s = req.sessionUser;
  return { user: s?.user ?? 'anonymous', role: s?.role ?? 'none', ip: req.ip };
}

/**
 * Records an audit entry; if that fails (a full disk), logs it instead of replacing the error the
 * caller is about to report: the first failure is the one the user needs to see.
 */
export function recordQuietly(ctx: ConsoleContext, rec: AuditRecord): void {
  try {
    ctx.audit.record(rec);
  } catch (e) {
    ctx.log.error(`Console: cannot write the audit log (${(e as Error).message}): ${rec.user} ${rec.action} ${rec.outcome}${rec.detail ? `: ${rec.detail}` : ''}`);
  }
}

/** Audits a refusal (4xx) or failure (5xx) of `fn`, then rethrows its error. */
export async function auditFailures<T>(ctx: ConsoleContext, req: FastifyRequest, rec: { action: string; target?: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const status = e instanceof ApiHttpError ? e.status : 500;
    recordQuietly(ctx, { ...actor(req), ...rec, outcome: status >= 500 ? 'failed' : 'refused', detail: (e as Error).message });
    throw e;
  }
}

/** Runs a write and records it in the audit log (ok / refused / failed), then rethrows errors. */
export async function audited<T>(
  ctx: ConsoleContext,
  req: FastifyRequest,
  rec: { action: string; target?: string },
  fn: () => Promise<T>,
  describe: (r: T) => { detail?: string; revision?: string } = () => ({}),
): Promise<T> {
  const r = await auditFailures(ctx, req, rec, fn);
  // Done is done: a failure to audit it is logged, not turned into an error for a change that happened.
  recordQuietly(ctx, { ...actor(req), ...rec, outcome: 'ok', ...describe(r) });
  return r;
}
