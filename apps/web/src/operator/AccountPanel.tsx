/** One account the console manages: its limits, exports, imports, users; edit, push, issue, revoke. */
import { useCallback, useState } from 'react';
import type { ManagedAccount, ManagedUser, OperatorExport, OperatorState } from '@switchboard/shared';
import { Dialog } from '../components/Dialog';
import { ErrorBox } from '../components/states';
import { WriteButton } from '../components/WriteButton';
import { downloadText } from '../lib/download';
import { formatTime } from '../lib/format';
import { AccountDialog, IssueUserDialog, RevokeDialog } from './dialogs';
import { ActivationDialog, DeleteAccountDialog, SigningKeyDialog } from './dialogs-keys';
import { ExportActivations } from './ExportActivations';
import { permSummary } from './permissions';
import { fetchCreds, shortKey, usePushAccount, useRemoveAccountSigningKey } from './useOperator';

const lim = (n: number) => (n === -1 ? '∞' : String(n));

export function AccountPanel({ account: a, state }: { account: ManagedAccount; state: OperatorState }) {
  const push = usePushAccount();
  const [editing, setEditing] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [revoking, setRevoking] = useState<ManagedUser | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [credsError, setCredsError] = useState<unknown>(null);
  const [activating, setActivating] = useState<OperatorExport | null>(null);
  const [addingKey, setAddingKey] = useState(false);
  const [removingKey, setRemovingKey] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const removeKey = useRemoveAccountSigningKey();
  const [newSeed, setNewSeed] = useState<{ key: string; seed: string } | null>(null);
  const closeEdit = useCallback(() => setEditing(false), []);
  const closeIssue = useCallback(() => setIssuing(false), []);
  const closeRevoke = useCallback(() => setRevoking(null), []);
  const testid = `account-${a.name}`;
  return (
    <section className="panel" aria-label={`Account ${a.name}`} data-testid={testid}>
      <div className="row">
        <h2 style={{ margin: 0 }}>{a.name}</h2>
        <code title={a.publicKey}>{shortKey(a.publicKey)}</code>
        {a.system && <span className="badge">system account</span>}
        {a.onServer ? <span className="badge ok">on the server</span> : <span className="badge warn">not on the server</span>}
        {!a.canIssue && <span className="badge">no account seed stored</span>}
        <span className="spacer" />
        <WriteButton onClick={() => setEditing(true)}>Edit</WriteButton>
        <WriteButton
          onClick={() => (setNotice(null), push.mutate({ key: a.publicKey }, { onSuccess: (r) => setNotice(`Pushed (${r.via}): ${r.message}`) }))}
          disabled={push.isPending}
          aria-label={`Push account ${a.name}`}
        >
          {push.isPending ? 'Pushing…' : 'Push'}
        </WriteButton>
        <WriteButton onClick={() => (setNotice(null), setAddingKey(true))} aria-label={`New signing key for ${a.name}`}>
          Signing key
        </WriteButton>
        <WriteButton className="primary" onClick={() => (setNotice(null), setIssuing(true))} aria-label={`New user in ${a.name}`}>
          New user
        </WriteButton>
        {!a.system && (
          <WriteButton className="danger" onClick={() => (setNotice(null), setDeleting(true))} aria-label={`Delete account ${a.name}`}>
            Delete
          </WriteButton>
        )}
      </div>
      <div className="small muted" style={{ marginTop: 6 }}>
        connections {lim(a.limits.conn)} · subscriptions {lim(a.limits.subs)} · payload {lim(a.limits.payload)} · data {lim(a.limits.data)} · imports {lim(a.limits.imports)} · exports{' '}
        {lim(a.limits.exports)}
        {a.pushedAt && <> · pushed {formatTime(a.pushedAt)}</>}
      </div>
      {(a.exports.length > 0 || a.imports.length > 0) && (
        <ul className="small" style={{ margin: '6px 0', paddingLeft: 18, overflowWrap: 'anywhere' }}>
          {a.exports.map((e) => (
            <li key={`e-${e.type}-${e.subject}`}>
              exports {e.type} <code>{e.subject}</code>
              {e.tokenReq && (
                <>
                  {' '}
                  <span className="badge">private: token required</span>{' '}
                  <WriteButton className="small" onClick={() => setActivating(e)} aria-label={`Activation token for ${e.subject}`}>
                    Issue activation token
                  </WriteButton>
                </>
              )}
              <ExportActivations account={a} exp={e} state={state} onNotice={setNotice} />
            </li>
          ))}
          {a.imports.map((i) => (
            <li key={`i-${i.type}-${i.account}-${i.subject}`}>
              imports {i.type} <code>{i.subject}</code> from {state.accounts.find((x) => x.publicKey === i.account)?.name ?? <code>{shortKey(i.account)}</code>}
              {i.localSubject && i.localSubject !== i.subject && (
                <>
                  {' '}
                  as <code>{i.localSubject}</code>
                </>
              )}
              {i.token && ' (with activation token)'}
            </li>
          ))}
        </ul>
      )}
      {a.signingKeys.length > 0 && (
        <ul className="small" style={{ margin: '6px 0', paddingLeft: 18, overflowWrap: 'anywhere' }} aria-label={`Signing keys of ${a.name}`}>
          {a.signingKeys.map((k) => (
            <li key={k.key} data-testid={`signing-key-${k.role ?? k.key}`}>
              {k.role !== undefined ? (
                <>
                  scoped signing key <strong>{k.role}</strong> <code title={k.key}>{shortKey(k.key)}</code>: {k.template ? permSummary(k.template) : ''}
                </>
              ) : (
                <>
                  signing key <code title={k.key}>{shortKey(k.key)}</code>
                </>
              )}
              {!k.seedStored && <span className="muted"> (seed not stored)</span>}{' '}
              <WriteButton className="danger small" onClick={() => setRemovingKey(k.key)} aria-label={`Remove signing key ${k.role ?? shortKey(k.key)}`}>
                Remove
              </WriteButton>
            </li>
          ))}
        </ul>
      )}
      {newSeed && (
        <div className="alert warn" data-testid="new-signing-key-seed">
          <label className="field">
            <span>Seed of the new signing key {shortKey(newSeed.key)}: shown once</span>
            <input readOnly className="mono" value={newSeed.seed} onFocus={(e) => e.currentTarget.select()} aria-label="New signing key seed" />
          </label>
          <button type="button" onClick={() => setNewSeed(null)}>
            I have kept it
          </button>
        </div>
      )}
      {notice && (
        <div className="alert ok" role="status">
          {notice}
        </div>
      )}
      {removeKey.error && <ErrorBox action="remove the signing key" error={removeKey.error} />}
      {push.error && <ErrorBox action={`push account ${a.name}`} error={push.error} />}
      {credsError != null && <ErrorBox action="download the creds" error={credsError} />}
      {a.users.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users of {a.name}</caption>
            <thead>
              <tr>
                <th>User</th>
                <th>Key</th>
                <th>Issued</th>
                <th>May</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {a.users.map((u) => (
                <tr key={u.publicKey} data-testid={`user-${u.name}`}>
                  <td>
                    <strong>{u.name}</strong>
                  </td>
                  <td>
                    <code title={u.publicKey}>{shortKey(u.publicKey)}</code>
                  </td>
                  <td>{formatTime(u.issuedAt)}</td>
                  <td className="small" style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>
                    {u.scopedRole !== undefined ? (
                      <span className="badge" title="permissions from the scoped signing key">
                        scope {u.scopedRole}
                      </span>
                    ) : (
                      permSummary({ ...u.limits, pubAllow: u.pubAllow, subAllow: u.subAllow })
                    )}
                    {u.tags.length > 0 && <span className="muted"> · tags {u.tags.join(', ')}</span>}
                  </td>
                  <td>{u.revokedAt ? <span className="badge bad">revoked</span> : u.expiresAt ? <span className="badge">until {formatTime(u.expiresAt)}</span> : <span className="badge ok">active</span>}</td>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    {u.credsAvailable && (
                      <WriteButton
                        onClick={() =>
                          fetchCreds(a.publicKey, u.publicKey).then(
                            (c) => (setCredsError(null), downloadText(c.fileName, c.creds)),
                            (e: unknown) => setCredsError(e),
                          )
                        }
                        aria-label={`Download creds of ${u.name}`}
                      >
                        Creds
                      </WriteButton>
                    )}{' '}
                    {!u.revokedAt && (
                      <WriteButton className="danger" onClick={() => (setNotice(null), setRevoking(u))} aria-label={`Revoke ${u.name}`}>
                        Revoke
                      </WriteButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {a.revocations.filter((r) => !a.users.some((u) => u.publicKey === r.user)).length > 0 && (
        <p className="small muted">
          Also revoked:{' '}
          {a.revocations
            .filter((r) => !a.users.some((u) => u.publicKey === r.user))
            .map((r) => (
              <code key={r.user} title={`${r.user} at ${r.at}`} style={{ marginRight: 6 }}>
                {r.user === '*' ? 'every user issued before ' + formatTime(r.at) : shortKey(r.user)}
              </code>
            ))}
        </p>
      )}
      {editing && <AccountDialog state={state} account={a} onClose={closeEdit} onDone={(r) => (setEditing(false), setNotice(r.push ? `Saved; ${r.push.ok ? 'pushed' : 'not pushed'} (${r.push.via}): ${r.push.message}` : 'Saved.'))} />}
      {issuing && (
        <IssueUserDialog
          account={a}
          onClose={closeIssue}
          onDone={(r) => {
            setIssuing(false);
            downloadText(r.fileName, r.creds);
            setNotice(`Issued ${r.user.name}: ${r.fileName} downloaded. ${r.user.credsAvailable ? 'Its seed is stored (encrypted): the creds can be downloaded again.' : 'Its seed is in that file only.'}`);
          }}
        />
      )}
      {activating && <ActivationDialog account={a} exp={activating} state={state} onClose={() => setActivating(null)} />}
      {addingKey && (
        <SigningKeyDialog
          account={a}
          canSign={!!state.operator?.canSign}
          onClose={() => setAddingKey(false)}
          onDone={(r) => {
            setAddingKey(false);
            const s = r.seeds[0];
            if (s) setNewSeed({ key: s.publicKey, seed: s.seed });
            setNotice(`Signing key added; ${r.push ? `${r.push.ok ? 'pushed' : 'not pushed'} (${r.push.via}): ${r.push.message}` : 'not pushed'}`);
          }}
        />
      )}
      {removingKey && (
        <Dialog title="Remove signing key?" onClose={() => setRemovingKey(null)}>
          <p>
            Account {a.name} is re-signed without <code>{shortKey(removingKey)}</code> and pushed: the server disconnects users it signed, and their creds stop working.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setRemovingKey(null)} data-close>
              Cancel
            </button>
            <button
              type="button"
              className="danger primary"
              disabled={removeKey.isPending}
              onClick={() =>
                removeKey.mutate(
                  { account: a.publicKey, key: removingKey },
                  { onSuccess: (r) => (setRemovingKey(null), setNotice(`Signing key removed; ${r.push ? `${r.push.ok ? 'pushed' : 'not pushed'}: ${r.push.message}` : 'not pushed'}`)) },
                )
              }
            >
              Remove key
            </button>
          </div>
        </Dialog>
      )}
      {deleting && <DeleteAccountDialog account={a} state={state} onClose={() => setDeleting(false)} onDone={() => setDeleting(false)} />}
      {revoking && (
        <RevokeDialog
          account={a}
          user={revoking}
          canSign={!!state.operator?.canSign}
          onClose={closeRevoke}
          onDone={(r) => (setRevoking(null), setNotice(`Revoked ${revoking.name}; pushed (${r.push?.via}): ${r.push?.message}. A connected client of it was cut.`))}
        />
      )}
    </section>
  );
}
