/** The operator page's key dialogs: an activation token, an account signing key (plain or scoped), deleting an account, operator signing keys. */
import { useState } from 'react';
import type { ActivationResponse, ManagedAccount, OperatorAccountWriteResponse, OperatorExport, OperatorSigningKeyResponse, OperatorState } from '@switchboard/shared';
import { Dialog, TypeToConfirm } from '../components/Dialog';
import { ErrorBox } from '../components/states';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import { SeedInput } from './dialogs';
import { Field, SignFormFooter, PermissionFields } from './forms';
import { emptyPermText, parsePermText } from './permissions';
import { shortKey, useAddAccountSigningKey, useAddOperatorSigningKey, useDeleteAccount, useIssueActivation, useRemoveOperatorSigningKey, useSetStrictSigning } from './useOperator';

/** Issue an activation token for a private export: for one importing account, optionally expiring. */
export function ActivationDialog({ account, exp, state, onClose }: { account: ManagedAccount; exp: OperatorExport; state: OperatorState; onClose: () => void }) {
  const issue = useIssueActivation();
  const others = state.accounts.filter((a) => a.publicKey !== account.publicKey);
  const [importer, setImporter] = useState(others[0]?.publicKey ?? '');
  const [otherKey, setOtherKey] = useState('');
  const [subject, setSubject] = useState(exp.subject);
  const [days, setDays] = useState('');
  const [seed, setSeed] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [made, setMade] = useState<ActivationResponse | null>(null);
  const target = importer === '__other' ? otherKey.trim() : importer;
  const submit = () => {
    setProblem(null);
    if (!/^A[A-Z2-7]{55}$/.test(target)) return setProblem('Importing account: choose one, or paste its key (A…, 56 characters)');
    const d = days.trim();
    if (d && !/^\d+$/.test(d)) return setProblem('Expires after: a number of days, or empty for never');
    issue.mutate(
      { account: account.publicKey, body: { importer: target, subject: subject.trim(), ...(d ? { expiresInDays: Number(d) } : {}), ...(seed.trim() ? { accountSeed: seed.trim() } : {}) } },
      { onSuccess: setMade },
    );
  };
  const importerName = state.accounts.find((a) => a.publicKey === made?.importer)?.name;
  return (
    <Dialog title={`Activation token for ${exp.subject}`} onClose={onClose} wide>
      {made ? (
        <div data-testid="activation-token">
          <p>
            A token for <strong>{importerName ?? shortKey(made.importer)}</strong> to import {made.kind} <code>{made.subject}</code> from {account.name}
            {made.expiresAt ? `, valid until ${made.expiresAt}` : ', without expiry'}. Paste it into that account&apos;s import (Edit → Imports → Activation token). It is not a secret
            and only works for that account.
          </p>
          <Field label="Activation token">
            <textarea readOnly rows={4} className="mono" value={made.token} onFocus={(e) => e.currentTarget.select()} aria-label="Issued activation token" />
          </Field>
          <div className="actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(made.token)}>
              Copy
            </button>
            <button type="button" className="primary" onClick={onClose} data-close>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form
          aria-label="Issue activation token"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <WriteFieldset>
            <p className="small">
              The {exp.type} export <code>{exp.subject}</code> of {account.name} is private: an account imports it only with a token {account.name} signs for it.
            </p>
            <div className="row" style={{ flexWrap: 'wrap' }}>
              <Field label="Importing account">
                <select value={importer} onChange={(e) => setImporter(e.target.value)} aria-label="Importing account">
                  {others.map((a) => (
                    <option key={a.publicKey} value={a.publicKey}>
                      {a.name} ({shortKey(a.publicKey)})
                    </option>
                  ))}
                  <option value="__other">another account (key)…</option>
                </select>
              </Field>
              {importer === '__other' && (
                <Field label="Account key">
                  <input className="mono" value={otherKey} onChange={(e) => setOtherKey(e.target.value)} placeholder="A…" aria-label="Importing account key" style={{ width: 280 }} />
                </Field>
              )}
              <Field label="Subject" hint="The export's subject or a narrower one">
                <input className="mono" value={subject} onChange={(e) => setSubject(e.target.value)} aria-label="Token subject" />
              </Field>
              <Field label="Expires after (days)">
                <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" aria-label="Token expires after (days)" style={{ width: 120 }} />
              </Field>
            </div>
            {!account.canIssue && <SeedInput label="Account seed" prefix="SA" value={seed} onChange={setSeed} />}
            <SignFormFooter problem={problem} error={issue.error} action="issue the token" pending={issue.isPending} label="Issue token" onCancel={onClose} />
          </WriteFieldset>
        </form>
      )}
    </Dialog>
  );
}

/** A new account signing key; with a role it is scoped and the permission fields are its template. */
export function SigningKeyDialog({ account, canSign, onClose, onDone }: { account: ManagedAccount; canSign: boolean; onClose: () => void; onDone: (r: OperatorAccountWriteResponse) => void }) {
  const add = useAddAccountSigningKey();
  const [scoped, setScoped] = useState(true);
  const [role, setRole] = useState('');
  const [perm, setPerm] = useState(emptyPermText);
  const [storeSeed, setStoreSeed] = useState(true);
  const [operatorSeed, setOperatorSeed] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    setProblem(null);
    const p = parsePermText(perm);
    if (scoped && !role.trim()) return setProblem('Role name: a scoped key needs one');
    if (scoped && !p.ok) return setProblem(p.error);
    add.mutate(
      {
        account: account.publicKey,
        body: { storeSeed, ...(scoped && p.ok ? { role: role.trim(), template: p.value } : {}), ...(operatorSeed.trim() ? { operatorSeed: operatorSeed.trim() } : {}) },
      },
      { onSuccess: onDone },
    );
  };
  return (
    <Dialog title={`New signing key for ${account.name}`} onClose={onClose} wide>
      <form
        aria-label="New signing key"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <WriteFieldset>
          <p className="small">
            A signing key issues users in place of the account key (which can then stay offline). A <strong>scoped</strong> key carries a role: every user it signs gets the
            role&apos;s permissions and limits on connect. Subjects may use <code>{'{{name()}}'}</code>, <code>{'{{subject()}}'}</code>, <code>{'{{account-name()}}'}</code>,{' '}
            <code>{'{{tag(x)}}'}</code>.
          </p>
          <div className="row">
            <label className="row">
              <input type="radio" name="sk-kind" checked={scoped} onChange={() => setScoped(true)} /> Scoped key (users get a role&apos;s permissions)
            </label>
            <label className="row">
              <input type="radio" name="sk-kind" checked={!scoped} onChange={() => setScoped(false)} /> Plain key
            </label>
          </div>
          {scoped && (
            <>
              <Field label="Role name">
                <input value={role} onChange={(e) => setRole(e.target.value)} autoComplete="off" aria-label="Role name" />
              </Field>
              <PermissionFields value={perm} onChange={setPerm} prefix="Scope " />
            </>
          )}
          <label className="row">
            <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store its seed in the console, encrypted (to issue users with it here)
          </label>
          {!canSign && <SeedInput label="Operator seed" prefix="SO" value={operatorSeed} onChange={setOperatorSeed} />}
          <SignFormFooter problem={problem} error={add.error} action="add the signing key" pending={add.isPending} label="Add key, sign and push" onCancel={onClose} />
        </WriteFieldset>
      </form>
    </Dialog>
  );
}

/** Delete an account: what happens on the server depends on its resolver; typed confirmation. */
export function DeleteAccountDialog({ account, state, onClose, onDone }: { account: ManagedAccount; state: OperatorState; onClose: () => void; onDone: (message: string) => void }) {
  const del = useDeleteAccount();
  const r = state.server.resolver;
  const onServer = state.server.accounts.some((a) => a.publicKey === account.publicKey);
  const [server, setServer] = useState<'delete' | 'revoke-users' | 'keep'>(r?.deletable ? 'delete' : onServer ? 'revoke-users' : 'keep');
  const [operatorSeed, setOperatorSeed] = useState('');
  const needsSeed = !state.operator?.canSign && server !== 'keep';
  return (
    <TypeToConfirm
      title={`Delete account ${account.name}`}
      name={account.name}
      what="account name"
      action="Delete account"
      busy={del.isPending}
      onClose={onClose}
      onConfirm={() =>
        del.mutate(
          { account: account.publicKey, body: { server, ...(operatorSeed.trim() ? { operatorSeed: operatorSeed.trim() } : {}) } },
          { onSuccess: (res) => onDone(`Deleted ${res.name}. Server: ${res.server.message}.`) },
        )
      }
    >
      <p>The console forgets this account, the {account.users.length} user(s) it issued here and its stored seeds.</p>
      {onServer && r ? (
        <fieldset>
          <legend>On the running server</legend>
          {r.deletable ? (
            <p className="small">The {r.type} resolver allows deleting: {r.deleteHow}.</p>
          ) : (
            <div className="alert warn" data-testid="delete-not-allowed">
              This server cannot delete accounts: {r.deleteHow}.
            </div>
          )}
          {r.deletable && (
            <label className="row">
              <input type="radio" name="del-server" checked={server === 'delete'} onChange={() => setServer('delete')} /> Delete it on the server ($SYS.REQ.CLAIMS.DELETE)
            </label>
          )}
          <label className="row">
            <input type="radio" name="del-server" checked={server === 'revoke-users'} onChange={() => setServer('revoke-users')} /> Revoke every user of it (the account stays on
            the server, no creds of it connect, connected clients are cut)
          </label>
          <label className="row">
            <input type="radio" name="del-server" checked={server === 'keep'} onChange={() => setServer('keep')} /> Leave the server unchanged
          </label>
        </fieldset>
      ) : (
        <p className="small muted">The server&apos;s resolver does not hold this account.</p>
      )}
      {needsSeed && <SeedInput label="Operator seed" prefix="SO" value={operatorSeed} onChange={setOperatorSeed} />}
      {del.error && <ErrorBox action="delete the account" error={del.error} />}
    </TypeToConfirm>
  );
}

/** The operator's signing keys: which sign accounts, whether the server trusts them; add and remove. */
export function OperatorSigningKeys({ state }: { state: OperatorState }) {
  const op = state.operator!;
  const add = useAddOperatorSigningKey();
  const remove = useRemoveOperatorSigningKey();
  const strict = useSetStrictSigning();
  const identityStored = op.signers.some((s) => s.identity && s.seedStored);
  const [seed, setSeed] = useState('');
  const [result, setResult] = useState<OperatorSigningKeyResponse | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const opts = () => (seed.trim() ? { operatorSeed: seed.trim() } : {});
  return (
    <div data-testid="operator-signing-keys" style={{ marginTop: 8 }}>
      <table className="small">
        <caption className="sr-only">Keys of operator {op.name}</caption>
        <thead>
          <tr>
            <th>Key</th>
            <th>Kind</th>
            <th>Seed</th>
            <th>Server</th>
            <th>Accounts signed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {op.signers.map((k) => (
            <tr key={k.key} data-testid={`op-key-${k.key}`}>
              <td>
                <code title={k.key}>{shortKey(k.key)}</code>
              </td>
              <td>{k.identity ? 'operator key' : 'signing key'}</td>
              <td>{k.seedStored ? <span className="badge ok">stored</span> : <span className="badge">not stored</span>}</td>
              <td>{k.trusted ? <span className="badge ok">trusted</span> : <span className="badge warn">not yet trusted</span>}</td>
              <td>{k.accounts}</td>
              <td>
                {!k.identity && (
                  <WriteButton className="danger" onClick={() => setRemoving(k.key)} aria-label={`Remove operator signing key ${shortKey(k.key)}`}>
                    Remove
                  </WriteButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 6 }}>
        {!identityStored && <SeedInput label="Operator's own seed" prefix="SO" value={seed} onChange={setSeed} />}
        <WriteButton onClick={() => add.mutate({ storeSeed: true, ...opts() }, { onSuccess: setResult })} disabled={add.isPending}>
          {add.isPending ? 'Signing…' : 'Add operator signing key'}
        </WriteButton>
      </div>
      <div className="row" style={{ marginTop: 6 }} data-testid="strict-signing">
        <span>
          Strict signing key usage:{' '}
          {op.strictSigning ? <span className="badge ok">on: only signing keys sign accounts</span> : <span className="badge">off: the operator key signs accounts too</span>}
        </span>
        <WriteButton
          onClick={() => strict.mutate({ strict: !op.strictSigning, ...opts() }, { onSuccess: setResult })}
          disabled={strict.isPending}
          aria-label={op.strictSigning ? 'Turn strict signing key usage off' : 'Turn strict signing key usage on'}
        >
          {strict.isPending ? 'Signing…' : op.strictSigning ? 'Turn off' : 'Turn on'}
        </WriteButton>
      </div>
      {strict.error && <ErrorBox action="change strict signing key usage" error={strict.error} />}
      {add.error && <ErrorBox action="add the signing key" error={add.error} />}
      {remove.error && <ErrorBox action="remove the signing key" error={remove.error} />}
      {result && (
        <div className="alert ok" role="status">
          {result.seeds.length > 0 && (
            <Field label={`Seed of the new signing key ${shortKey(result.seeds[0]!.publicKey)} (shown once; stored encrypted)`}>
              <input readOnly className="mono" value={result.seeds[0]!.seed} onFocus={(e) => e.currentTarget.select()} aria-label="New operator signing key seed" />
            </Field>
          )}
          {result.resigned.map((r) => (
            <div key={r.publicKey}>
              Re-signed {r.name}: {r.push.ok ? 'pushed' : 'not pushed'} ({r.push.message})
            </div>
          ))}
          <div>{result.notice}</div>
        </div>
      )}
      {removing && (
        <Dialog title="Remove operator signing key?" onClose={() => setRemoving(null)}>
          <p>
            The operator JWT is re-signed without <code>{shortKey(removing)}</code>; accounts it signed are re-signed with another key and pushed. Servers trust the change once
            they run the new operator JWT.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setRemoving(null)} data-close>
              Cancel
            </button>
            <button
              type="button"
              className="danger primary"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ key: removing, ...opts() }, { onSuccess: (r) => (setResult(r), setRemoving(null)) })}
            >
              Remove key
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
