/** What the console's plugins share, and the helpers every route uses. */
import type {} from '@fastify/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Switchboard } from '@switchboard/broker';
import type { Role } from '@switchboard/shared';
import type { AuditLog } from './audit.js';
import { SESSION_COOKIE, type LoginLimiter, type SessionUser, type UserStore } from './auth.js';
import type { ConfigStore } from './config-store.js';
import type { Db } from './db.js';
import { ApiHttpError } from './errors.js';
import type { EventHub } from './events.js';
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
}

declare module 'fastify' {
  interface FastifyRequest {
    sessionUser: SessionUser | null;
    sessionExpired: boolean;
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

/** Runs a write and records it in the audit log (ok / refused / failed), then rethrows errors. */
export async function audited<T>(
  ctx: ConsoleContext,
  req: FastifyRequest,
  rec: { action: string; target?: string },
  fn: () => Promise<T>,
  describe: (r: T) => { detail?: string; revision?: string } = () => ({}),
): Promise<T> {
  const s = req.sessionUser;
  const who = { user: s?.user ?? 'anonymous', role: s?.role ?? 'none', ip: req.ip };
  try {
    const r = await fn();
    ctx.audit.record({ ...who, ...rec, outcome: 'ok', ...describe(r) });
    return r;
  } catch (e) {
    const status = e instanceof ApiHttpError ? e.status : 500;
    ctx.audit.record({ ...who, ...rec, outcome: status >= 500 ? 'failed' : 'refused', detail: (e as Error).message });
    throw e;
  }
}

export const cookieName = SESSION_COOKIE;

/** zod → JSON Schema for the OpenAPI document (fastify does not validate with it; zod does). */
export function js(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}
