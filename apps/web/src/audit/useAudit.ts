/** Audit log data hook: who did what, when, with what outcome (GET /api/audit, newest first). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { AuditListSchema, type AuditEntry } from '@switchboard/shared';
import { request, withQuery } from '../api/client';
import { intParam, pickParam } from '../lib/urlState';

export type { AuditEntry };

export interface AuditQuery {
  sort: keyof AuditEntry;
  desc: boolean;
  offset: number;
  limit: number;
  /** Free text over the loaded entries. */
  q?: string;
  /** Server-side filters. */
  user?: string;
  action?: string;
  outcome?: 'ok' | 'refused' | 'failed';
}

/** The server filters (user, action, outcome) and returns up to 1000 newest entries; sorting and paging of those happen here. */
export function useAuditQuery(q: Pick<AuditQuery, 'user' | 'action' | 'outcome'>) {
  return useQuery({
    queryKey: ['audit', q.user ?? '', q.action ?? '', q.outcome ?? ''],
    queryFn: async () => (await request(withQuery('/api/audit', { user: q.user, action: q.action, outcome: q.outcome, limit: 1000 }), { schema: AuditListSchema })).data,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}

export function sortAndFilter(entries: AuditEntry[], q: AuditQuery): AuditEntry[] {
  const needle = (q.q ?? '').toLowerCase();
  const rows = entries.filter(
    (e) =>
      (!q.user || e.user === q.user) &&
      (!q.action || e.action === q.action || (/[.*]$/.test(q.action) && e.action.startsWith(q.action.replace(/\*$/, '')))) &&
      (!q.outcome || e.outcome === q.outcome) &&
      (!needle || [e.user, e.action, e.target, e.outcome, e.detail, e.revision].some((v) => v?.toLowerCase().includes(needle))),
  );
  const key = q.sort;
  const cmp = (a: AuditEntry, b: AuditEntry) => {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x ?? '').localeCompare(String(y ?? ''));
  };
  rows.sort((a, b) => cmp(a, b) * (q.desc ? -1 : 1));
  return rows;
}

const SORTS = ['time', 'user', 'action', 'target', 'outcome', 'revision', 'id'] as const satisfies readonly (keyof AuditEntry)[];
const OUTCOMES = ['ok', 'refused', 'failed'] as const;

/**
 * The audit view described by the URL: `q`, `user`, `action`, `outcome` filters, `sort` and
 * `desc` (1/0, newest first by default) and `page` (1-based; `limit` rows a page).
 */
export function auditQueryFromParams(p: URLSearchParams, limit: number): AuditQuery {
  const page = Math.max(1, intParam(p, 'page'));
  const q: AuditQuery = {
    sort: pickParam(p, 'sort', SORTS, 'time'),
    desc: (p.get('desc') ?? '1') !== '0',
    offset: (page - 1) * limit,
    limit,
  };
  const text = (k: string) => p.get(k)?.trim() || undefined;
  if (text('q')) q.q = text('q');
  if (text('user')) q.user = text('user');
  if (text('action')) q.action = text('action');
  const outcome = pickParam(p, 'outcome', [...OUTCOMES, ''] as const, '');
  if (outcome) q.outcome = outcome;
  return q;
}
