import { describe, expect, it } from 'vitest';
import { auditQueryFromParams, sortAndFilter, type AuditEntry } from './useAudit';

const e = (id: number, time: string, user: string, action: string, outcome: AuditEntry['outcome'] = 'ok'): AuditEntry => ({ id, time, user, role: 'admin', action, outcome });

describe('sortAndFilter', () => {
  const rows = [e(1, '2024-01-01T00:00:01Z', 'admin', 'config.apply'), e(2, '2024-01-01T00:00:03Z', 'viewer', 'login', 'refused'), e(3, '2024-01-01T00:00:02Z', 'admin', 'ops.reload')];
  const base = { sort: 'time' as const, desc: false, offset: 0, limit: 10 };
  it('sorts by a column both ways', () => {
    expect(sortAndFilter(rows, { ...base, desc: true }).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortAndFilter(rows, { ...base, sort: 'action' }).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(sortAndFilter(rows, { ...base, sort: 'id', desc: true }).map((r) => r.id)).toEqual([3, 2, 1]);
  });
  it('filters by user, action prefix, outcome and free text', () => {
    expect(sortAndFilter(rows, { ...base, user: 'admin' }).map((r) => r.id)).toEqual([1, 3]);
    expect(sortAndFilter(rows, { ...base, action: 'config.*' }).map((r) => r.id)).toEqual([1]);
    expect(sortAndFilter(rows, { ...base, outcome: 'refused' }).map((r) => r.id)).toEqual([2]);
    expect(sortAndFilter(rows, { ...base, q: 'reload' }).map((r) => r.id)).toEqual([3]);
  });
});

describe('auditQueryFromParams', () => {
  it('reads filters, sort and page from the URL, newest first by default', () => {
    expect(auditQueryFromParams(new URLSearchParams(''), 50)).toEqual({ sort: 'time', desc: true, offset: 0, limit: 50 });
    expect(auditQueryFromParams(new URLSearchParams('q=reload&user=admin&action=config.*&outcome=refused&sort=user&desc=0&page=3'), 50)).toEqual({
      sort: 'user',
      desc: false,
      offset: 100,
      limit: 50,
      q: 'reload',
      user: 'admin',
      action: 'config.*',
      outcome: 'refused',
    });
  });
  it('ignores values it does not know', () => {
    expect(auditQueryFromParams(new URLSearchParams('sort=password&outcome=maybe&page=x'), 10)).toEqual({ sort: 'time', desc: true, offset: 0, limit: 10 });
  });
});
