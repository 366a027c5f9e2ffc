import { useEffect } from 'react';
import { useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import type { AffectedConnection, ApplyResponse, Issue, OptionsInput } from '@switchboard/shared';
import { Dialog } from '../components/Dialog';
import { ErrorBox, Loading } from '../components/states';
import { WriteButton } from '../components/WriteButton';
import { ApiError } from '../api/client';
import { configKeys, fromApiChange, usePreviewQuery, type ConfigState } from './useConfig';
import { needsRestart } from './diff';
import { ChangeList, DiffLines } from './ChangeList';
import { lineDiff, withContext } from '../lib/textdiff';

/** Conflict: someone changed the config since this edit started. The edit is kept, not merged. */
export function ConflictNotice({ error, onReload }: { error: ApiError; onReload?: () => void }) {
  const current = error.details.revision;
  return (
    <div className="alert warn" role="alert" data-testid="conflict">
      <strong>Conflict: the configuration changed since you started editing.</strong>{' '}
      {typeof current === 'string' && <>It is now at revision {current}. </>}
      Nothing was saved and nobody’s change was overwritten. Your edits are still in the form: load the latest configuration and apply them again.
      <div className="muted small">
        {error.message} ({error.code})
      </div>
      {onReload && (
        <button type="button" onClick={onReload} style={{ marginTop: 6 }}>
          Load the latest configuration
        </button>
      )}
    </div>
  );
}

export function IssueList({ issues, title }: { issues: Issue[]; title: string }) {
  if (!issues.length) return null;
  return (
    <div className="alert error" role="alert" data-testid="issues">
      <strong>{title}</strong>
      <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
        {issues.map((i, k) => (
          <li key={k}>
            {i.path && <code>{i.path}</code>} {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The error of a failed apply, with the refused changes or issues the server attached. */
export function ApplyError({ error, action, onReload }: { error: unknown; action: string; onReload?: () => void }) {
  if (error instanceof ApiError && error.code === 'REVISION_CONFLICT') return <ConflictNotice error={error} onReload={onReload} />;
  const issues = error instanceof ApiError ? ((error.details.issues as Issue[] | undefined) ?? []) : [];
  const refused = error instanceof ApiError ? ((error.details.changes as Parameters<typeof fromApiChange>[0][] | undefined) ?? []) : [];
  return (
    <>
      <ErrorBox action={action} error={error} />
      {issues.length > 0 && <IssueList issues={issues} title="The server found these problems:" />}
      {refused.length > 0 && (
        <>
          <p className="muted small">Changes the server refused:</p>
          <ChangeList changes={refused.map(fromApiChange)} />
        </>
      )}
    </>
  );
}

/**
 * The end of every edit: the server's preview of what changes (each marked hot or needs restart,
 * with its issues), then apply with the revision the edit started from (If-Match). Success shows
 * what changed; a conflict is shown and nothing is overwritten.
 */
export function ReviewDialog<V>({
  title,
  summary,
  after,
  revision,
  mutation,
  variables,
  onClose,
  onDone,
  onIssues,
  onReloadLatest,
}: {
  title: string;
  summary: string;
  /** The whole config model after the edit (previewed by the server). */
  after: OptionsInput;
  revision: string;
  /** The write to perform (account, gateway or whole-config mutation). */
  mutation: UseMutationResult<ApplyResponse, Error, V>;
  variables: V;
  onClose: () => void;
  /** Called when the user closes the result of a successful apply. */
  onDone?: () => void;
  /** Server issues (preview errors or apply failures), to put on form fields. */
  onIssues?: (issues: Issue[]) => void;
  onReloadLatest?: () => void;
}) {
  const preview = usePreviewQuery(after);
  // The file now, from the cache: observing the config query here would refetch it.
  const currentText = useQueryClient().getQueryData<ConfigState>(configKeys.current)?.text;
  const result = mutation.data;
  const changes = preview.data?.changes.map(fromApiChange) ?? [];
  const conflict = mutation.error instanceof ApiError && mutation.error.code === 'REVISION_CONFLICT';
  const previewIssues = preview.data?.errors ?? [];
  useEffect(() => {
    if (preview.data?.errors.length) onIssues?.(preview.data.errors);
  }, [preview.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const close = () => {
    mutation.reset();
    onClose();
  };
  const done = () => {
    mutation.reset();
    (onDone ?? onClose)();
  };
  const reload =
    onReloadLatest &&
    (() => {
      onReloadLatest();
      close();
    });
  return (
    <Dialog title={result ? 'Applied' : `Review: ${title}`} onClose={result ? done : close} wide>
      {result ? (
        <div data-testid="apply-result">
          <div className="alert ok" role="status">
            {result.changes.length === 0 ? (
              'Nothing changed.'
            ) : result.appliesAtRestart ? (
              <>
                Saved as revision <strong>{result.revision}</strong>: applies at the next restart. The server runs on with the previous revision until then.
              </>
            ) : (
              <>
                Saved as revision <strong>{result.revision}</strong> and applied.
              </>
            )}
            {!result.appliesAtRestart && needsRestart(result.changes.map(fromApiChange)) && ' Some changes take effect only after a restart.'}
          </div>
          {result.warnings.map((w) => (
            <div className="alert warn" key={w}>
              {w}
            </div>
          ))}
          <ChangeList changes={result.changes.map(fromApiChange)} />
          <div className="actions">
            <button type="button" className="primary" onClick={done}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <>
          <p className="muted">{summary}</p>
          {preview.isPending ? (
            <Loading what="Asking the server what changes" />
          ) : preview.error ? (
            <ErrorBox action="preview the change" error={preview.error} onRetry={() => void preview.refetch()} />
          ) : (
            <>
              <IssueList issues={previewIssues} title="This change would be refused:" />
              {preview.data?.restartRequired && (
                <div className="alert warn" data-testid="applies-at-restart">
                  Applies at next restart: some changes cannot be applied by a reload. Saving writes the file; the server keeps running with the current settings (the whole edit waits, as nats-server reloads all or nothing) until it is restarted.
                </div>
              )}
              {preview.data?.warnings.map((w) => (
                <div className="alert warn" key={w}>
                  {w}
                </div>
              ))}
              <ClosedConnections closes={preview.data?.closes ?? []} />
              <ChangeList changes={changes} />
              {preview.data?.text !== undefined && <FileDiff before={currentText} after={preview.data.text} />}
            </>
          )}
          {mutation.error && <ApplyError error={mutation.error} action="apply the configuration" onReload={reload} />}
          <div className="actions">
            <span className="muted small" style={{ marginRight: 'auto' }}>
              Based on revision {revision}
            </span>
            <button type="button" onClick={close} data-close>
              Back to editing
            </button>
            <WriteButton
              className="primary"
              disabled={mutation.isPending || conflict || !preview.data || changes.length === 0 || previewIssues.length > 0}
              disabledReason={conflict ? 'The configuration changed: load it again first' : previewIssues.length ? 'Fix the problems first' : changes.length === 0 ? 'Nothing to apply' : undefined}
              onClick={() =>
                mutation.mutate(variables, {
                  onError: (e) => {
                    const issues = e instanceof ApiError ? (e.details.issues as Issue[] | undefined) : undefined;
                    if (issues?.length) onIssues?.(issues);
                  },
                })
              }
            >
              {mutation.isPending ? 'Applying…' : preview.data?.restartRequired ? 'Save for next restart' : 'Apply'}
            </WriteButton>
          </div>
        </>
      )}
    </Dialog>
  );
}

/** The connections applying will close (from connz), before Apply: count, names and why. */
function ClosedConnections({ closes }: { closes: AffectedConnection[] }) {
  if (closes.length === 0) return null;
  const certain = closes.filter((c) => c.certain).length;
  return (
    <div className="alert warn" data-testid="closes" role="status">
      <strong>
        Applying closes {certain} connection{certain === 1 ? '' : 's'}
        {closes.length > certain ? ` (and may close ${closes.length - certain} more)` : ''}:
      </strong>
      <ul>
        {closes.slice(0, 50).map((c) => (
          <li key={c.cid}>
            cid {c.cid} {c.name ? <strong>&quot;{c.name}&quot;</strong> : null} {c.user ? `user ${c.user}` : 'no user'} in {c.account} from <span className="mono">{c.ip}</span>: {c.reason}
          </li>
        ))}
        {closes.length > 50 && <li>… and {closes.length - 50} more</li>}
      </ul>
    </div>
  );
}

/**
 * The config file as it would be written, against the file now (admins get the text; viewers
 * cannot reach a review). Folded by default: the field diff above is the review.
 */
function FileDiff({ before, after }: { before?: string; after: string }) {
  if (before === undefined) return null;
  const lines = lineDiff(before, after);
  const changed = lines.filter((l) => l.op !== ' ').length;
  if (changed === 0) return null;
  return (
    <details className="file-diff" data-testid="file-diff">
      <summary>
        The config file: {changed} changed line{changed === 1 ? '' : 's'}
      </summary>
      <DiffLines lines={withContext(lines)} label="Config file changes" />
    </details>
  );
}
