import { useState } from 'react';
import { Table, Pager, type Column } from '../components/Table';
import { QueryState } from '../components/states';
import { formatTime } from '../lib/format';
import { sortAndFilter, useAuditQuery, type AuditEntry, type AuditQuery } from './useAudit';

const PAGE = 50;

export function AuditPage() {
  const [q, setQ] = useState<AuditQuery>({ sort: 'time', desc: true, offset: 0, limit: PAGE });
  const audit = useAuditQuery(q);
  const set = (patch: Partial<AuditQuery>) => setQ((old) => ({ ...old, offset: 0, ...patch }));
  const columns: Column<AuditEntry>[] = [
    { key: 'time', label: 'When', sort: 'time', render: (e) => formatTime(e.time) },
    { key: 'user', label: 'User', sort: 'user', render: (e) => `${e.user} (${e.role})` },
    { key: 'action', label: 'Action', sort: 'action', render: (e) => <code>{e.action}</code> },
    { key: 'target', label: 'Target', sort: 'target', render: (e) => e.target ?? '—' },
    { key: 'outcome', label: 'Outcome', sort: 'outcome', render: (e) => <span className={`badge ${e.outcome === 'ok' ? 'ok' : e.outcome === 'refused' ? 'warn' : 'bad'}`}>{e.outcome}</span> },
    { key: 'revision', label: 'Revision', sort: 'revision', render: (e) => (e.revision ? <code>{e.revision}</code> : '—') },
    { key: 'detail', label: 'Detail', render: (e) => <span className="small">{e.detail ?? ''}</span> },
    { key: 'ip', label: 'From', render: (e) => <span className="small mono">{e.ip ?? ''}</span> },
  ];
  return (
    <div>
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <form className="panel row" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <input placeholder="Search" onChange={(e) => set({ q: e.target.value || undefined })} aria-label="Search the audit log" />
        <input placeholder="User" size={10} onChange={(e) => set({ user: e.target.value.trim() || undefined })} aria-label="Filter by user" />
        <input placeholder="Action (config.*)" size={16} onChange={(e) => set({ action: e.target.value.trim() || undefined })} aria-label="Filter by action" />
        <select onChange={(e) => set({ outcome: (e.target.value || undefined) as AuditQuery['outcome'] })} aria-label="Filter by outcome" defaultValue="">
          <option value="">any outcome</option>
          <option value="ok">ok</option>
          <option value="refused">refused</option>
          <option value="failed">failed</option>
        </select>
      </form>
      <QueryState query={audit} action="load the audit log" isEmpty={(d) => d.entries.length === 0} empty="No audit entries match.">
        {(d) => {
          const rows = sortAndFilter(d.entries, q);
          return (
            <>
              {d.total > d.entries.length && <p className="muted small">Showing the newest {d.entries.length} of {d.total} entries; narrow the filters to see older ones.</p>}
              <Table
                caption="Audit log"
                columns={columns}
                rows={rows.slice(q.offset, q.offset + PAGE)}
                rowKey={(e) => String(e.id)}
                sort={q.sort}
                desc={q.desc}
                onSort={(s) => set({ sort: s as AuditQuery['sort'], desc: q.sort === s ? !q.desc : s === 'time' })}
              />
              <Pager offset={q.offset} limit={PAGE} total={rows.length} onChange={(o) => setQ((old) => ({ ...old, offset: o }))} />
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
