import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { subjectError, type ConnInfo } from '@switchboard/shared';
import { Table, Pager, type Column } from '../components/Table';
import { QueryState, ErrorBox, Loading, Empty } from '../components/states';
import { formatBytes, formatCount, formatTime } from '../lib/format';
import { useConnectionQuery, useConnzQuery, type ConnzQuery } from './useConnections';

const PAGE = 25;

/** Connections list (server-side sort/filter/page through /connz), with a detail pane. */
export function ConnectionsPage() {
  const [params, setParams] = useSearchParams();
  const { cid } = useParams();
  const navigate = useNavigate();
  const q: ConnzQuery = {
    sort: params.get('sort') ?? 'cid',
    offset: Number(params.get('offset') ?? 0),
    limit: PAGE,
    state: (params.get('state') as ConnzQuery['state']) ?? 'open',
    acc: params.get('acc') ?? undefined,
    user: params.get('user') ?? undefined,
    filterSubject: params.get('subject') ?? undefined,
  };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('offset' in patch)) next.delete('offset');
    setParams(next, { replace: true });
  };
  const connz = useConnzQuery(q);
  const closedOnly = q.sort === 'stop' || q.sort === 'reason';

  const columns: Column<ConnInfo>[] = [
    { key: 'cid', label: 'CID', sort: 'cid', num: true, render: (c) => c.cid },
    { key: 'name', label: 'Name', render: (c) => c.name || <span className="muted">—</span> },
    { key: 'acc', label: 'Account', render: (c) => c.account ?? '$G' },
    { key: 'user', label: 'User', render: (c) => c.authorized_user ?? <span className="muted">—</span> },
    { key: 'addr', label: 'Address', render: (c) => <span className="mono">{c.ip}:{c.port}</span> },
    { key: 'lang', label: 'Client', render: (c) => (c.lang ? `${c.lang} ${c.version ?? ''}` : '—') },
    { key: 'uptime', label: 'Uptime', sort: 'uptime', render: (c) => c.uptime },
    { key: 'idle', label: 'Idle', sort: 'idle', render: (c) => c.idle },
    { key: 'subs', label: 'Subs', sort: 'subs', num: true, render: (c) => formatCount(c.subscriptions) },
    { key: 'pending', label: 'Pending', sort: 'pending', num: true, render: (c) => formatBytes(c.pending_bytes) },
    { key: 'in', label: 'Msgs in', sort: 'msgs_from', num: true, title: 'messages the client published', render: (c) => formatCount(c.in_msgs) },
    { key: 'out', label: 'Msgs out', sort: 'msgs_to', num: true, title: 'messages delivered to the client', render: (c) => formatCount(c.out_msgs) },
    { key: 'bin', label: 'Bytes in', sort: 'bytes_from', num: true, render: (c) => formatBytes(c.in_bytes) },
    { key: 'bout', label: 'Bytes out', sort: 'bytes_to', num: true, render: (c) => formatBytes(c.out_bytes) },
  ];
  if (q.state !== 'open') {
    columns.push({ key: 'stop', label: 'Closed', sort: 'stop', render: (c) => (c.stop ? formatTime(c.stop) : '—') });
    columns.push({ key: 'reason', label: 'Reason', sort: 'reason', render: (c) => c.reason ?? '—' });
  }

  const subjErr = q.filterSubject ? subjectError(q.filterSubject) : null;

  return (
    <div>
      <div className="page-head">
        <h1>Connections</h1>
        {connz.isFetching && <span className="muted small">refreshing…</span>}
      </div>
      <form className="panel row" onSubmit={(e) => e.preventDefault()} aria-label="Filter connections">
        <label className="row">
          <span>State</span>
          <select value={q.state} onChange={(e) => set({ state: e.target.value === 'open' ? undefined : e.target.value, sort: closedOnly && e.target.value === 'open' ? undefined : q.sort })}>
            <option value="open">open</option>
            <option value="closed">closed</option>
            <option value="any">any</option>
          </select>
        </label>
        <label className="row">
          <span>Account</span>
          <input defaultValue={q.acc} placeholder="any" size={10} onBlur={(e) => set({ acc: e.target.value.trim() })} onKeyDown={(e) => e.key === 'Enter' && set({ acc: e.currentTarget.value.trim() })} aria-label="Account filter" />
        </label>
        <label className="row">
          <span>User</span>
          <input defaultValue={q.user} placeholder="any" size={10} onBlur={(e) => set({ user: e.target.value.trim() })} onKeyDown={(e) => e.key === 'Enter' && set({ user: e.currentTarget.value.trim() })} aria-label="User filter" />
        </label>
        <label className="row" title={q.acc ? undefined : 'Subject filtering needs an account (nats-server rule)'}>
          <span>Subscribed to</span>
          <input
            defaultValue={q.filterSubject}
            placeholder={q.acc ? 'subject' : 'needs an account'}
            disabled={!q.acc}
            size={14}
            aria-invalid={!!subjErr}
            onBlur={(e) => set({ subject: e.target.value.trim() })}
            onKeyDown={(e) => e.key === 'Enter' && set({ subject: e.currentTarget.value.trim() })}
            aria-label="Subject filter"
          />
        </label>
        {subjErr && <span className="field-error">{subjErr}</span>}
        <span className="spacer" />
        <label className="row">
          <span>Sort</span>
          <select value={q.sort} onChange={(e) => set({ sort: e.target.value })} aria-label="Sort by">
            {['cid', 'start', 'subs', 'pending', 'msgs_to', 'msgs_from', 'bytes_to', 'bytes_from', 'last', 'idle', 'uptime', ...(q.state !== 'open' ? ['stop', 'reason'] : [])].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <div className={cid ? 'grid split' : undefined}>
        <div>
          <QueryState query={connz} action="load connections" isEmpty={(d) => d.connections.length === 0} empty="No connections match.">
            {(d) => (
              <>
                <Table
                  caption="Connections"
                  columns={columns}
                  rows={d.connections}
                  rowKey={(c) => String(c.cid)}
                  sort={q.sort}
                  desc={!['cid', 'start', 'uptime', 'reason'].includes(q.sort)}
                  onSort={(s) => set({ sort: s })}
                  onRowClick={(c) => navigate({ pathname: `/connections/${c.cid}`, search: params.toString() })}
                  selectedKey={cid}
                />
                <Pager offset={d.offset} limit={PAGE} total={d.total} onChange={(o) => set({ offset: String(o) })} />
              </>
            )}
          </QueryState>
          {connz.error && connz.data && <ErrorBox action="refresh connections" error={connz.error} />}
        </div>
        {cid && <ConnectionDetail cid={Number(cid)} onClose={() => navigate({ pathname: '/connections', search: params.toString() })} />}
      </div>
    </div>
  );
}

function ConnectionDetail({ cid, onClose }: { cid: number; onClose: () => void }) {
  const conn = useConnectionQuery(cid);
  const [filter, setFilter] = useState('');
  return (
    <section className="panel" aria-label={`Connection ${cid}`}>
      <div className="row">
        <h2 style={{ margin: 0, flex: 1 }}>Connection {cid}</h2>
        <button type="button" onClick={onClose} aria-label="Close connection detail">
          Close
        </button>
      </div>
      {conn.isPending ? (
        <Loading />
      ) : conn.error ? (
        <ErrorBox action="load the connection" error={conn.error} />
      ) : !conn.data ? (
        <Empty>Connection {cid} is gone.</Empty>
      ) : (
        <>
          <dl className="grid cols-2 small" style={{ gridTemplateColumns: 'max-content 1fr', gap: '4px 12px' }}>
            {(
              [
                ['Name', conn.data.name],
                ['Account', conn.data.account ?? '$G'],
                ['User', conn.data.authorized_user],
                ['Address', `${conn.data.ip}:${conn.data.port}`],
                ['Client', conn.data.lang ? `${conn.data.lang} ${conn.data.version ?? ''}` : undefined],
                ['Started', formatTime(conn.data.start)],
                ['Last activity', formatTime(conn.data.last_activity)],
                ['RTT', conn.data.rtt],
                ['In', `${formatCount(conn.data.in_msgs)} msgs, ${formatBytes(conn.data.in_bytes)}`],
                ['Out', `${formatCount(conn.data.out_msgs)} msgs, ${formatBytes(conn.data.out_bytes)}`],
                ['Pending', formatBytes(conn.data.pending_bytes)],
                ['Closed', conn.data.stop ? `${formatTime(conn.data.stop)} (${conn.data.reason ?? ''})` : undefined],
              ] as [string, string | undefined][]
            )
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt className="muted">{k}</dt>
                  <dd style={{ margin: 0 }}>{v}</dd>
                </div>
              ))}
          </dl>
          <h3>Subscriptions ({formatCount(conn.data.subscriptions)})</h3>
          <input placeholder="Filter subjects" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter subscriptions" />
          {(conn.data.subscriptions_list_detail ?? []).length === 0 ? (
            <Empty>No subscriptions.</Empty>
          ) : (
            <Table
              caption="Subscriptions"
              columns={[
                { key: 'sid', label: 'SID', render: (s) => s.sid },
                { key: 'subject', label: 'Subject', render: (s) => <span className="mono">{s.subject}</span> },
                { key: 'q', label: 'Queue', render: (s) => s.qgroup ?? '—' },
                { key: 'msgs', label: 'Msgs', num: true, render: (s) => formatCount(s.msgs) },
              ]}
              rows={(conn.data.subscriptions_list_detail ?? []).filter((s) => s.subject.includes(filter))}
              rowKey={(s) => s.sid}
            />
          )}
        </>
      )}
    </section>
  );
}
