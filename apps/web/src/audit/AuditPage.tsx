import { Table, Pager, type Column } from '../components/Table';
import { QueryState } from '../components/states';
import { formatTime } from '../lib/format';
import { useUrlState } from '../lib/urlState';
import { auditQueryFromParams, sortAndFilter, useAuditQuery, type AuditEntry } from './useAudit';

const PAGE = 50;

/** The audit log. Filters, sort and page live in the URL (reload or share keeps them). */
export function AuditPage() {
  const [params, setParams] = useUrlState({ sort: 'time', desc: '1' });
  const q = auditQueryFromParams(params, PAGE);
  const audit = useAuditQuery(q);
  /** A filter or sort change starts again at the first page. */
  const set = (patch: Record<string, string | undefined>) => setParams({ ...patch, page: undefined });
  const columns: Column<AuditEntry>[] = [
    { key: 'time', label: 'When', sort: 'time', render: (e) => <time dateTime={e.time}>{formatTime(e.time)}</time> },
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
      {/* Uncontrolled inputs seeded from the URL: typing updates the URL without fighting the caret. */}
      <form className="panel row" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <input placeholder="Search" defaultValue={q.q ?? ''} onChange={(e) => set({ q: e.target.value })} aria-label="Search the audit log" />
        <input placeholder="User" size={10} defaultValue={q.user ?? ''} onChange={(e) => set({ user: e.target.value.trim() })} aria-label="Filter by user" />
        <input placeholder="Action (config.*)" size={16} defaultValue={q.action ?? ''} onChange={(e) => set({ action: e.target.value.trim() })} aria-label="Filter by action" />
        <select value={q.outcome ?? ''} onChange={(e) => set({ outcome: e.target.value })} aria-label="Filter by outcome">
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
                onSort={(s) => set({ sort: s, desc: (q.sort === s ? !q.desc : s === 'time') ? '1' : '0' })}
              />
              <Pager offset={q.offset} limit={PAGE} total={rows.length} onChange={(o) => setParams({ page: o > 0 ? Math.floor(o / PAGE) + 1 : undefined }, { push: true })} />
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
