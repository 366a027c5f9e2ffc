import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Table, type Column } from '../components/Table';
import { ErrorBox, Loading, Empty } from '../components/states';
import { ReadOnlyNotice, WriteButton } from '../components/WriteButton';
import { TypeToConfirm } from '../components/Dialog';
import { ReviewDialog } from '../config/ReviewDialog';
import { formatCount } from '../lib/format';
import { useAccountsQuery, useDeleteAccountMutation, withoutAccount, importersOf, type AccountRow } from './useAccounts';
import { notEditableReason } from '../config/useConfig';
import { AccountEditor } from './AccountEditor';

export function AccountsPage() {
  const { name } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const accounts = useAccountsQuery();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'name', desc: false });
  const [deleting, setDeleting] = useState<string | null>(null);
  const [reviewDelete, setReviewDelete] = useState<string | null>(null);
  const config = accounts.config.data;
  const deleteAccount = useDeleteAccountMutation();
  const locked = notEditableReason(config);

  const columns: Column<AccountRow>[] = [
    { key: 'name', label: 'Account', sort: 'name', render: (r) => <Link to={`/accounts/${encodeURIComponent(r.name)}`}>{r.name}</Link> },
    {
      key: 'kind',
      label: '',
      render: (r) => (
        <>
          {r.system && <span className="badge">system</span>} {!r.configured && !r.system && <span className="badge" title="not in the config file">built-in</span>}
        </>
      ),
    },
    { key: 'conns', label: 'Connections', sort: 'conns', num: true, render: (r) => formatCount(r.info?.client_connections) },
    { key: 'subs', label: 'Subscriptions', sort: 'subs', num: true, render: (r) => formatCount(r.info?.subscriptions) },
    { key: 'users', label: 'Users', sort: 'users', num: true, render: (r) => (r.configured ? (r.account?.users?.length ?? 0) : '—') },
    { key: 'exports', label: 'Exports', num: true, render: (r) => (r.configured ? (r.account?.exports?.length ?? 0) : '—') },
    { key: 'imports', label: 'Imports', num: true, render: (r) => (r.configured ? (r.account?.imports?.length ?? 0) : '—') },
    {
      key: 'actions',
      label: '',
      render: (r) =>
        r.configured ? (
          <WriteButton className="danger" disabled={!!locked} disabledReason={locked} onClick={(e) => (e.stopPropagation(), setDeleting(r.name))} aria-label={`Delete account ${r.name}`}>
            Delete
          </WriteButton>
        ) : null,
    },
  ];
  const val = (r: AccountRow): number | string =>
    sort.key === 'conns' ? (r.info?.client_connections ?? -1) : sort.key === 'subs' ? (r.info?.subscriptions ?? -1) : sort.key === 'users' ? (r.account?.users?.length ?? -1) : r.name;
  const rows = accounts.rows
    .filter((r) => r.name.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => {
      const x = val(a);
      const y = val(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.desc ? -c : c;
    });

  // Keyed by the navigation too: reopening the account just saved starts from the saved config.
  if (name !== undefined) return <AccountEditor key={`${name}-${location.key}`} name={name === 'new' ? undefined : name} onDone={(n) => navigate(n ? `/accounts/${encodeURIComponent(n)}` : '/accounts')} />;

  const importers = deleting && config ? importersOf(config.options, deleting) : [];
  return (
    <div>
      <div className="page-head">
        <h1>Accounts</h1>
        <input placeholder="Filter accounts" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter accounts" />
        <WriteButton className="primary" disabled={!!locked} disabledReason={locked} onClick={() => navigate('/accounts/new')}>
          New account
        </WriteButton>
      </div>
      <ReadOnlyNotice />
      {accounts.isPending ? (
        <Loading />
      ) : accounts.error && !config ? (
        <ErrorBox action="load accounts" error={accounts.error} onRetry={accounts.refetch} />
      ) : rows.length === 0 ? (
        <Empty>{filter ? 'No account matches.' : 'No accounts configured yet. Every client is in the global account $G.'}</Empty>
      ) : (
        <Table caption="Accounts" columns={columns} rows={rows} rowKey={(r) => r.name} sort={sort.key} desc={sort.desc} onSort={(k) => setSort((s) => ({ key: k, desc: s.key === k ? !s.desc : k !== 'name' }))} />
      )}
      {deleting && (
        <TypeToConfirm title={`Delete account ${deleting}`} name={deleting} what="account name" action="Review deletion" onClose={() => setDeleting(null)} onConfirm={() => (setReviewDelete(deleting), setDeleting(null))}>
          <p>Clients of this account will be disconnected when the configuration reloads; its users, exports and imports go away.</p>
          {importers.length > 0 && (
            <div className="alert warn">
              Accounts importing from it: <strong>{importers.join(', ')}</strong>. Their imports will refer to a missing account and the server will refuse the change until they are removed.
            </div>
          )}
        </TypeToConfirm>
      )}
      {reviewDelete && config && (
        <ReviewDialog
          title={`delete account ${reviewDelete}`}
          summary={`Delete account ${reviewDelete}`}
          after={withoutAccount(config.options, reviewDelete)}
          revision={config.revision}
          mutation={deleteAccount}
          variables={{ name: reviewDelete, revision: config.revision }}
          onClose={() => setReviewDelete(null)}
          onReloadLatest={() => void accounts.config.refetch()}
        />
      )}
    </div>
  );
}
