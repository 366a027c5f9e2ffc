/*
 * The subject explorer: per account, the subjects that have subscribers (plain, queue groups and
 * their members, interest from other servers of the cluster, messages delivered), searchable by
 * subject or queue group (a literal subject also finds the wildcard subscriptions it reaches),
 * and each account's message rates (from two answers 2 s apart).
 */
import { useState } from 'react';
import type { AccountTraffic, SubjectInterest } from '@switchboard/shared';
import { Table, type Column } from '../components/Table';
import { ErrorBox, Loading, Empty } from '../components/states';
import { useCanWrite } from '../auth/useSession';
import { formatByteRate, formatCount, formatRate } from '../lib/format';
import { accountRates, usePrevious, useSubjectsQuery, type AccountRate } from './useMessages';

export function SubjectsPanel({ account, q, onFilter, onTail }: { account: string; q: string; onFilter: (f: { sacc?: string; q?: string }) => void; onTail: (account: string, subject: string) => void }) {
  const query = useSubjectsQuery({ account: account || undefined, q: q || undefined });
  const data = query.data;
  const prev = usePrevious(data);
  const rates = data ? accountRates(prev, data) : new Map<string, AccountRate>();
  // '…' until two answers give a rate.
  const rate = (name: string, f: (r: AccountRate) => number, fmt: (n: number) => string) => {
    const r = rates.get(name);
    return r ? fmt(f(r)) : '…';
  };
  const { canWrite } = useCanWrite();
  const [draft, setDraft] = useState(q);

  const accountCols: Column<AccountTraffic>[] = [
    { key: 'name', label: 'Account', render: (a) => <strong>{a.name}</strong> },
    { key: 'conns', label: 'Conns', num: true, render: (a) => formatCount(a.conns) },
    { key: 'subs', label: 'Subs', num: true, title: 'client subscriptions', render: (a) => formatCount(a.subscriptions) },
    { key: 'in', label: 'Msgs in', num: true, title: 'messages the account’s clients published, per second', render: (a) => rate(a.name, (r) => r.inMsgs, formatRate) },
    { key: 'out', label: 'Msgs out', num: true, title: 'messages delivered to the account’s clients, per second', render: (a) => rate(a.name, (r) => r.outMsgs, formatRate) },
    { key: 'bin', label: 'Bytes in', num: true, render: (a) => rate(a.name, (r) => r.inBytes, formatByteRate) },
    { key: 'bout', label: 'Bytes out', num: true, render: (a) => rate(a.name, (r) => r.outBytes, formatByteRate) },
  ];
  const subjectCols: Column<SubjectInterest>[] = [
    ...(account ? [] : [{ key: 'acc', label: 'Account', render: (s: SubjectInterest) => s.account }]),
    { key: 'subject', label: 'Subject', render: (s) => <span className="mono">{s.subject}</span> },
    { key: 'subs', label: 'Subscribers', num: true, title: 'plain subscriptions of clients of this server', render: (s) => formatCount(s.subscriptions) },
    {
      key: 'queues',
      label: 'Queue groups',
      render: (s) =>
        s.queues.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <span className="queue-list">
            {s.queues.map((g) => (
              <span key={g.name} className="badge" title={`${g.members} member${g.members === 1 ? '' : 's'} on this server`}>
                {g.name} ×{g.members}
              </span>
            ))}
          </span>
        ),
    },
    { key: 'remote', label: 'Other servers', num: true, title: 'subscriptions other servers of the cluster announced (route interest)', render: (s) => (s.remote ? formatCount(s.remote) : '—') },
    { key: 'msgs', label: 'Msgs delivered', num: true, render: (s) => formatCount(s.msgs) },
    {
      key: 'tail',
      label: '',
      render: (s) =>
        canWrite ? (
          <button type="button" className="link" onClick={() => onTail(s.account, s.subject)} aria-label={`Tail ${s.subject} in ${s.account}`}>
            Tail
          </button>
        ) : null,
    },
  ];

  return (
    <div>
      <form
        className="panel row"
        aria-label="Search subjects"
        onSubmit={(e) => {
          e.preventDefault();
          onFilter({ q: draft.trim() });
        }}
      >
        <label className="row">
          <span>Account</span>
          <select value={account} onChange={(e) => onFilter({ sacc: e.target.value })} aria-label="Explorer account">
            <option value="">all accounts</option>
            {(data?.accounts ?? []).map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label className="row" style={{ flex: '1 1 240px' }}>
          <span>Search</span>
          <input type="search" className="mono" style={{ flex: 1 }} value={draft} placeholder="subject, queue group, or a subject to publish to" onChange={(e) => setDraft(e.target.value)} onBlur={() => onFilter({ q: draft.trim() })} aria-label="Search subjects" />
        </label>
        <button type="submit">Search</button>
        {query.isFetching && <span className="muted small">refreshing…</span>}
      </form>
      {query.isPending ? (
        <Loading />
      ) : query.error && !data ? (
        <ErrorBox action="load the subjects" error={query.error} onRetry={() => void query.refetch()} />
      ) : data ? (
        <>
          {query.error && <div className="alert warn">Could not refresh: {(query.error as Error).message}. Showing the last answer.</div>}
          <h2>Accounts</h2>
          <Table caption="Accounts" columns={accountCols} rows={data.accounts} rowKey={(a) => a.name} onRowClick={(a) => onFilter({ sacc: a.name })} selectedKey={account || undefined} />
          <p className="hint">Rates are counter differences between two answers 2 s apart; the console’s own publishes are not counted (they have no client).</p>
          <h2>
            Subjects with subscribers {data.total > data.subjects.length ? `(first ${data.subjects.length} of ${data.total})` : `(${data.total})`}
          </h2>
          {data.subjects.length === 0 ? (
            <Empty>{q ? `No subscription matches “${q}”.` : 'No client subscribes to anything here.'}</Empty>
          ) : (
            <Table caption="Subjects" columns={subjectCols} rows={data.subjects} rowKey={(s) => `${s.account}\u0000${s.subject}`} />
          )}
          <p className="hint">From the accounts’ subscription lists (as /subsz): subscriptions of clients, and interest announced by other servers. Internal ones (imports, $SYS, the console’s tails) are not listed.</p>
        </>
      ) : null}
    </div>
  );
}
