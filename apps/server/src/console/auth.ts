/*
 * Console users and sessions: bcrypt passwords, an opaque session token in an httpOnly,
 * SameSite=Strict cookie (its sha256 stored), roles admin/viewer, a small login rate limiter
 * and a same-origin check on every write (CSRF).
 */
import bcrypt from 'bcryptjs';
import { bcryptCompare } from '@switchboard/broker';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Role, Session } from '@switchboard/shared';
import type { Db } from './db.js';
import { ApiHttpError } from './errors.js';

export const SESSION_COOKIE = 'sb_session';
export const CSRF_HEADER = 'x-switchboard-csrf';

export interface SessionUser {
  userId: number;
  user: string;
  role: Role;
  expiresAt: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class UserStore {
  constructor(
    private readonly db: Db,
    readonly sessionTtlMs = 12 * 3600_000,
  ) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  create(username: string, password: string, role: Role): void {
    const hash = bcrypt.hashSync(password, 10);
    this.db.prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)').run(username, hash, role, Date.now());
  }

  /**
   * On first start (no users): creates `admin` with SWITCHBOARD_ADMIN_PASSWORD, or a generated
   * password that is printed once. Safe when several servers start at once on one data dir: the
   * check and the insert are one IMMEDIATE transaction, and only the one that created it prints.
   */
  ensureInitialAdmin(envPassword: string | undefined, print: (line: string) => void): void {
    if (this.count() > 0) return;
    const password = envPassword && envPassword.length > 0 ? envPassword : randomBytes(12).toString('base64url');
    const hash = bcrypt.hashSync(password, 10);
    const created = this.db
      .transaction(() => {
        if (this.count() > 0) return false;
        this.db.prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)').run('admin', hash, 'admin', Date.now());
        return true;
      })
      .immediate();
    if (!created) return;
    if (envPassword) print('Console: created user "admin" with the password from SWITCHBOARD_ADMIN_PASSWORD');
    else print(`Console: created user "admin" with password: ${password}  (shown once; keep it)`);
  }

  /** SWITCHBOARD_VIEWER_PASSWORD: makes sure a `viewer` user exists (read-only console access). */
  ensureViewer(envPassword: string | undefined, print: (line: string) => void): void {
    if (!envPassword || this.find('viewer') !== undefined) return;
    const hash = bcrypt.hashSync(envPassword, 10);
    const r = this.db.prepare("INSERT OR IGNORE INTO users (username, password_hash, role, created_at) VALUES ('viewer', ?, 'viewer', ?)").run(hash, Date.now());
    if (r.changes === 1) print('Console: created user "viewer" with the password from SWITCHBOARD_VIEWER_PASSWORD');
  }

  find(username: string): { id: number; role: Role } | undefined {
    return this.db.prepare('SELECT id, role FROM users WHERE username = ?').get(username) as { id: number; role: Role } | undefined;
  }

  list(): Array<{ user: string; role: Role; createdAt: string }> {
    const rows = this.db.prepare('SELECT username, role, created_at FROM users ORDER BY username').all() as Array<{ username: string; role: Role; created_at: number }>;
    return rows.map((r) => ({ user: r.username, role: r.role, createdAt: new Date(r.created_at).toISOString() }));
  }

  /** Removes a user and its sessions. */
  remove(username: string): void {
    const u = this.find(username);
    if (!u) return;
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
    this.db.prepare('DELETE FROM users WHERE id = ?').run(u.id);
  }

  admins(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n;
  }

  async verify(username: string, password: string): Promise<{ id: number; role: Role } | null> {
    const row = this.db.prepare('SELECT id, password_hash, role FROM users WHERE username = ?').get(username) as
      | { id: number; password_hash: string; role: Role }
      | undefined;
    if (!row) {
      // Same cost whether or not the user exists.
      await bcryptCompare(password, '$2a$10$0000000000000000000000000000000000000000000000000000u');
      return null;
    }
    return (await bcryptCompare(password, row.password_hash)) ? { id: row.id, role: row.role } : null;
  }

  createSession(userId: number): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.sessionTtlMs;
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now);
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(sha256(token), userId, now, expiresAt);
    return { token, expiresAt };
  }

  session(token: string | undefined): SessionUser | 'expired' | null {
    if (!token) return null;
    const row = this.db
      .prepare('SELECT s.user_id AS userId, s.expires_at AS expiresAt, u.username AS user, u.role AS role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?')
      .get(sha256(token)) as SessionUser | undefined;
    if (!row) return null;
    if (row.expiresAt < Date.now()) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
      return 'expired';
    }
    return row;
  }

  endSession(token: string | undefined): void {
    if (token) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
  }
}

export function sessionBody(s: SessionUser): Session {
  return { user: s.user, role: s.role, expiresAt: new Date(s.expiresAt).toISOString(), canWrite: s.role === 'admin' };
}

/**
 * Fixed-window limiter of login attempts per user name and client address: one person guessing
 * a password locks out that name from that address only, not every admin behind the same proxy
 * (behind a proxy, set trust_proxy so that the address is the client's, from X-Forwarded-For).
 */
export class LoginLimiter {
  private hits = new Map<string, { n: number; reset: number }>();
  constructor(
    readonly max = 10,
    readonly windowMs = 60_000,
  ) {}

  /** Counts an attempt of `user` from `ip`; throws RATE_LIMITED past the limit. */
  take(user: string, ip: string): void {
    const now = Date.now();
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.reset < now) this.hits.delete(k);
    const key = JSON.stringify([user, ip]);
    let h = this.hits.get(key);
    if (!h || h.reset < now) {
      h = { n: 0, reset: now + this.windowMs };
      this.hits.set(key, h);
    }
    h.n++;
    if (h.n > this.max) {
      const retryAfter = Math.ceil((h.reset - now) / 1000);
      throw new ApiHttpError('RATE_LIMITED', `too many login attempts; retry in ${retryAfter} s`, { retryAfter });
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: a write must come from this origin. Browsers send Origin on every cross-site and
 * same-site write; non-browser clients (curl, scripts) send `x-switchboard-csrf: 1` instead.
 */
export function checkSameOrigin(req: FastifyRequest): void {
  if (SAFE_METHODS.has(req.method)) return;
  // The Host (or, behind a trusted proxy, X-Forwarded-Host) the browser addressed.
  const host = req.host || undefined;
  const origin = req.headers.origin ?? (req.headers.referer ? safeOrigin(req.headers.referer) : undefined);
  if (origin !== undefined && origin !== 'null') {
    try {
      const o = new URL(origin);
      // Compare as URLs so that default ports (`:80`, `:443`) match either way.
      if (host !== undefined && o.host === new URL(`${o.protocol}//${host}`).host) return;
    } catch {
      /* unparsable: refused below */
    }
    throw new ApiHttpError('CSRF_REJECTED', `cross-site request refused: Origin ${origin} does not match Host ${host ?? '(none)'}`);
  }
  if (req.headers[CSRF_HEADER] !== undefined) return;
  throw new ApiHttpError('CSRF_REJECTED', `write refused: send an Origin matching Host, or the header ${CSRF_HEADER}: 1`);
}

function safeOrigin(referer: string): string | undefined {
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
