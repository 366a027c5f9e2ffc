import { useState } from 'react';
import { Table, type Column } from '../components/Table';
import { ErrorBox, Loading, QueryState } from '../components/states';
import { TypeToConfirm } from '../components/Dialog';
import { ReadOnlyNotice, WriteButton } from '../components/WriteButton';
import { formatTime } from '../lib/format';
import { lineDiff, withContext } from '../lib/textdiff';
import type { RevisionSummary as Revision } from '@switchboard/shared';
import { fromApiChange, useConfigQuery, useRevisionDiffQuery, useRevisionQuery, useRevisionsQuery, useRollbackMutation } from './useConfig';
import { ApplyError } from './ReviewDialog';
import { ChangeList, DiffLines } from './ChangeList';
import { useUrlState } from '../lib/urlState';

/** Config revisions with author and time, a diff between any two, and rollback. */
export function HistoryPage() {
  const revisions = useRevisionsQuery();
  const config = useConfigQuery();
  // The compared pair is in the URL: a link to a diff can be shared.
  const [params, setParams] = useUrlState();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const setFrom = (id: string) => setParams({ from: id });
  const setTo = (id: string) => setParams({ to: id });
  const [rollbackTo, setRollbackTo] = useState<string>();
  const rollback = useRollbackMutation();

  const columns: Column<Revision>[] = [
    { key: 'id', label: 'Revision', render: (r) => <code>{r.id}</code> },
    { key: 'time', label: 'When', render: (r) => <time dateTime={r.createdAt}>{formatTime(r.createdAt)}</time> },
    { key: 'author', label: 'Author', render: (r) => r.author },
    { key: 'source', label: 'Source', render: (r) => <span className="badge">{r.source}</span> },
    { key: 'summary', label: 'Change', render: (r) => <>{r.comment ?? <span className="muted">—</span>} <span className="muted small">({r.changeCount} change{r.changeCount === 1 ? '' : 's'})</span></> },
    {
      key: 'cmp',
      label: 'Compare',
      render: (r) => (
        <span className="row" style={{ gap: 4 }}>
          <label title="compare from">
            <input type="radio" name="from" checked={from === r.id} onChange={() => setFrom(r.id)} aria-label={`Compare from ${r.id}`} /> from
          </label>
          <label title="compare to">
            <input type="radio" name="to" checked={to === r.id} onChange={() => setTo(r.id)} aria-label={`Compare to ${r.id}`} /> to
          </label>
        </span>
      ),
    },
    {
      key: 'rb',
      label: '',
      render: (r) =>
        r.id === (revisions.data?.current ?? config.data?.revision) || r.id === revisions.data?.running ? (
          <span className="row" style={{ gap: 4 }}>
            {r.id === revisions.data?.running && (
              <span className="badge ok" title="the revision the server runs">
                running
              </span>
            )}
            {r.id === revisions.data?.current && (
              <span className={`badge ${revisions.data.running && revisions.data.running !== r.id ? 'warn' : 'ok'}`} title="the config file on disk">
                on disk
              </span>
            )}
          </span>
        ) : (
          <WriteButton onClick={() => setRollbackTo(r.id)} aria-label={`Roll back to ${r.id}`} disabled={!config.data?.editable} disabledReason="The server runs without a config file">
            Roll back to this
          </WriteButton>
        ),
    },
  ];

  return (
    <div>
      <div className="page-head">
        <h1>Config history</h1>
      </div>
      <ReadOnlyNotice />
      {rollback.data && (
        <div className="alert ok" role="status" data-testid="rollback-result">
          Rolled back: now at revision <strong>{rollback.data.revision}</strong>.
          <ChangeList changes={rollback.data.changes.map(fromApiChange)} />
        </div>
      )}
      {rollback.error && <ApplyError error={rollback.error} action="roll back" onReload={() => (rollback.reset(), void config.refetch(), void revisions.refetch())} />}
      {revisions.data?.running && revisions.data.running !== revisions.data.current && (
        <div className={`alert ${revisions.data.diskErrors?.length ? 'error' : 'warn'}`} role="status" data-testid="disk-vs-running">
          The file on disk (revision {revisions.data.current}) is not what the server runs (revision {revisions.data.running}):{' '}
          {revisions.data.diskErrors?.length ? (
            <>
              it does not load.
              <ul>
                {revisions.data.diskErrors.map((e) => (
                  <li key={e} className="mono">
                    {e}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            'its changes apply at the next restart.'
          )}
        </div>
      )}
      <QueryState query={revisions} action="load the revisions" isEmpty={(d) => d.revisions.length === 0} empty="No revisions yet: the first save creates one.">
        {(d) => <Table caption="Revisions" columns={columns} rows={d.revisions} rowKey={(r) => r.id} />}
      </QueryState>
      {from && to && from !== to && <RevisionDiff from={from} to={to} />}
      {rollbackTo && config.data && (
        <TypeToConfirm
          title={`Roll back to revision ${rollbackTo}`}
          name={rollbackTo}
          what="revision"
          action="Roll back"
          busy={rollback.isPending}
          onClose={() => setRollbackTo(undefined)}
          onConfirm={() => {
            rollback.mutate({ to: rollbackTo, revision: config.data!.revision });
            setRollbackTo(undefined);
          }}
        >
          <p>
            The configuration of revision <code>{rollbackTo}</code> becomes a new revision and is applied by reload. Changes made after it are undone (they stay in the history).
          </p>
          <RevisionDiff from={config.data.revision} to={rollbackTo} compact />
        </TypeToConfirm>
      )}
    </div>
  );
}

function RevisionDiff({ from, to, compact }: { from: string; to: string; compact?: boolean }) {
  const diff = useRevisionDiffQuery(from, to);
  const a = useRevisionQuery(compact ? undefined : from);
  const b = useRevisionQuery(compact ? undefined : to);
  if (diff.isPending) return <Loading what="Comparing revisions" />;
  if (diff.error) return <ErrorBox action="compare the revisions" error={diff.error} />;
  return (
    <section className={compact ? undefined : 'panel'} aria-label="Difference between revisions" data-testid="revision-diff">
      {!compact && (
        <h2>
          From <code>{from}</code> to <code>{to}</code>
        </h2>
      )}
      <ChangeList changes={diff.data.changes.map(fromApiChange)} />
      {!compact && a.data && b.data && (
        <>
          <h3>Config file</h3>
          {a.data.text === '' && b.data.text === '' ? (
            <p className="muted small">The file text is shown to admins only (it holds secrets).</p>
          ) : (
            <DiffLines lines={withContext(lineDiff(a.data.text, b.data.text))} label="Config file changes" />
          )}
        </>
      )}
    </section>
  );
}
