/** The audit log: who did what, when, to what, and how it ended. */
import type { AuditEntry, AuditQuery } from '@switchboard/shared';
import type { Db } from './db.js';

export interface AuditRecord {
  user: string;
  role: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'refused' | 'failed';
  detail?: string;
  revision?: string;
  ip?: string;
}

interface Row {
  id: number;
  time: number;
  user: string;
  role: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: string | null;
  revision: string | null;
  ip: string | null;
}

function toEntry(r: Row): AuditEntry {
  const e: AuditEntry = { id: r.id, time: new Date(r.time).toISOString(), user: r.user, role: r.role, action: r.action, outcome: r.outcome as AuditEntry['outcome'] };
  if (r.target !== null) e.target = r.target;
  if (r.detail !== null) e.detail = r.detail;
  if (r.revision !== null) e.revision = r.revision;
  if (r.ip !== null) e.ip = r.ip;
  return e;
}

export class AuditLog {
  private listeners = new Set<(e: AuditEntry) => void>();
  constructor(private readonly db: Db) {}

  record(rec: AuditRecord): AuditEntry {
    const entry = this.insert(rec);
    this.notify(entry);
    return entry;
  }

  /** Writes the entry without telling listeners (inside a transaction; call notify after commit). */
  insert(rec: AuditRecord): AuditEntry {
    const time = Date.now();
    const info = this.db
      .prepare('INSERT INTO audit (time, user, role, action, target, outcome, detail, revision, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(time, rec.user, rec.role, rec.action, rec.target ?? null, rec.outcome, rec.detail ?? null, rec.revision ?? null, rec.ip ?? null);
    return toEntry({ id: Number(info.lastInsertRowid), time, ...rec, target: rec.target ?? null, detail: rec.detail ?? null, revision: rec.revision ?? null, ip: rec.ip ?? null });
  }

  notify(entry: AuditEntry): void {
    for (const l of this.listeners) l(entry);
  }

  onRecord(fn: (e: AuditEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  query(q: Required<Pick<AuditQuery, 'limit' | 'offset'>> & Omit<AuditQuery, 'limit' | 'offset'>): { entries: AuditEntry[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.user) {
      where.push('user = ?');
      args.push(q.user);
    }
    if (q.action) {
      if (q.action.endsWith('*') || q.action.endsWith('.')) {
        where.push("action LIKE ? ESCAPE '\\'");
        args.push(q.action.replace(/\*$/, '').replace(/[%_\\]/g, (c) => `\\${c}`) + '%');
      } else {
        where.push('action = ?');
        args.push(q.action);
      }
    }
    if (q.outcome) {
      where.push('outcome = ?');
      args.push(q.outcome);
    }
    if (q.since) {
      where.push('time >= ?');
      args.push(Date.parse(q.since));
    }
    if (q.until) {
      where.push('time <= ?');
      args.push(Date.parse(q.until));
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM audit ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as Row[];
    return { entries: rows.map(toEntry), total };
  }
}
