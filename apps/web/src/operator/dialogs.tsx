/** The operator page's forms: an account (new or edited), an imported account, a new user, a revocation. */
import { useState, type ReactNode } from 'react';
import type { IssueUserResponse, ManagedAccount, ManagedUser, OperatorAccountWriteResponse, OperatorState } from '@switchboard/shared';
import { Dialog } from '../components/Dialog';
import { ErrorBox } from '../components/states';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import {
  exportsText,
  importsText,
  limitText,
  lines,
  parseExports,
  parseImports,
  parseLimit,
  shortKey,
  useCreateAccount,
  useImportAccount,
  useIssueUser,
  useRevokeUser,
  useUpdateAccount,
} from './useOperator';

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
}

/** A seed input shown when the console stores none for the signer. */
function SeedInput({ label, value, onChange, prefix }: { label: string; value: string; onChange: (v: string) => void; prefix: string }) {
  return (
    <Field label={label} hint="Used for this signature only; not stored.">
      <input type="password" value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" placeholder={`${prefix}…`} aria-label={label} />
    </Field>
  );
}

const LIMITS = [
  ['conn', 'Max connections'],
  ['subs', 'Max subscriptions'],
  ['payload', 'Max payload (bytes)'],
  ['data', 'Max data (bytes)'],
  ['imports', 'Max imports'],
  ['exports', 'Max exports'],
  ['leaf', 'Max leaf nodes'],
] as const;
type LimitKey = (typeof LIMITS)[number][0];

export function AccountDialog({ state, account, onClose, onDone }: { state: OperatorState; account?: ManagedAccount; onClose: () => void; onDone: (r: OperatorAccountWriteResponse) => void }) {
  const create = useCreateAccount();
  const update = useUpdateAccount();
  const m = account ? update : create;
  const [name, setName] = useState(account?.name ?? '');
  const [limits, setLimits] = useState<Record<LimitKey, string>>(() => Object.fromEntries(LIMITS.map(([k]) => [k, account ? limitText(account.limits[k]) : ''])) as Record<LimitKey, string>);
  const [wildcards, setWildcards] = useState(account?.limits.wildcards ?? true);
  const [exportsTxt, setExports] = useState(account ? exportsText(account.exports) : '');
  const [importsTxt, setImports] = useState(account ? importsText(account.imports) : '');
  const [storeSeed, setStoreSeed] = useState(true);
  const [operatorSeed, setOperatorSeed] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const canSign = !!state.operator?.canSign;

  const submit = () => {
    setProblem(null);
    const lim: Record<string, number> = {};
    for (const [k, label] of LIMITS) {
      const v = parseLimit(limits[k]);
      if (v === undefined) return setProblem(`${label}: a whole number, or empty for unlimited`);
      lim[k] = v;
    }
    const ex = parseExports(exportsTxt);
    if (!ex.ok) return setProblem(`Exports, ${ex.error}`);
    const im = parseImports(importsTxt);
    if (!im.ok) return setProblem(`Imports, ${im.error}`);
    const body = {
      name: name.trim(),
      limits: { ...lim, wildcards, disallowBearer: account?.limits.disallowBearer ?? false },
      exports: ex.value,
      imports: im.value,
      push: true,
      ...(operatorSeed.trim() ? { operatorSeed: operatorSeed.trim() } : {}),
    };
    if (account) update.mutate({ key: account.publicKey, body }, { onSuccess: onDone });
    else create.mutate({ ...body, storeSeed }, { onSuccess: onDone });
  };
  return (
    <Dialog title={account ? `Edit account ${account.name}` : 'New account'} onClose={onClose} wide>
      <form
        aria-label={account ? 'Edit account' : 'New account'}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <WriteFieldset>
          <Field label="Account name">
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" aria-label="Account name" />
          </Field>
          <fieldset>
            <legend>Limits (empty = unlimited)</legend>
            <div className="row">
              {LIMITS.map(([k, label]) => (
                <label className="field" key={k}>
                  <span>{label}</span>
                  <input inputMode="numeric" value={limits[k]} onChange={(e) => setLimits((l) => ({ ...l, [k]: e.target.value }))} placeholder="unlimited" aria-label={label} style={{ width: 120 }} />
                </label>
              ))}
            </div>
            <label className="row small">
              <input type="checkbox" checked={wildcards} onChange={(e) => setWildcards(e.target.checked)} /> Wildcard exports allowed
            </label>
          </fieldset>
          <div className="grid cols-2">
            <Field label="Exports" hint='One a line: "stream orders.>" or "service stock.check"; add "token" to require an activation token.'>
              <textarea rows={3} className="mono" value={exportsTxt} onChange={(e) => setExports(e.target.value)} spellCheck={false} aria-label="Exports" />
            </Field>
            <Field label="Imports" hint='One a line: "stream|service ACCOUNT_KEY SUBJECT [LOCAL_SUBJECT]".'>
              <textarea rows={3} className="mono" value={importsTxt} onChange={(e) => setImports(e.target.value)} spellCheck={false} aria-label="Imports" />
            </Field>
          </div>
          {state.accounts.length > 0 && (
            <p className="hint">
              Account keys:{' '}
              {state.accounts.map((x) => (
                <span key={x.publicKey} style={{ marginRight: 8 }}>
                  {x.name} <code>{x.publicKey}</code>
                </span>
              ))}
            </p>
          )}
          {!account && (
            <label className="row">
              <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the account seed in the console, encrypted (to issue its users
              here)
            </label>
          )}
          {!canSign && <SeedInput label="Operator seed" prefix="SO" value={operatorSeed} onChange={setOperatorSeed} />}
          {problem && (
            <div className="alert error" role="alert">
              {problem}
            </div>
          )}
          {m.error && <ErrorBox action={account ? 'save the account' : 'create the account'} error={m.error} />}
          <div className="actions">
            <button type="button" onClick={onClose} data-close>
              Cancel
            </button>
            <WriteButton type="submit" className="primary" disabled={m.isPending || !name.trim()}>
              {m.isPending ? 'Signing…' : account ? 'Sign and push' : 'Create and push'}
            </WriteButton>
          </div>
        </WriteFieldset>
      </form>
    </Dialog>
  );
}

export function ImportAccountDialog({ jwt, name, onClose }: { jwt: string; name: string; onClose: () => void }) {
  const imp = useImportAccount();
  const [seed, setSeed] = useState('');
  const [storeSeed, setStoreSeed] = useState(true);
  return (
    <Dialog title={`Import account ${name}`} onClose={onClose}>
      <form
        aria-label="Import account"
        onSubmit={(e) => {
          e.preventDefault();
          imp.mutate({ jwt, ...(seed.trim() ? { seed: seed.trim() } : {}), storeSeed }, { onSuccess: onClose });
        }}
      >
        <WriteFieldset>
          <p className="small">The console keeps its JWT (it is public). To issue its users here, give the account&apos;s seed.</p>
          <Field label="Account seed (optional)">
            <input type="password" value={seed} onChange={(e) => setSeed(e.target.value)} autoComplete="off" placeholder="SA…" aria-label="Account seed" />
          </Field>
          <label className="row">
            <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the seed in the console, encrypted
          </label>
          {imp.error && <ErrorBox action="import the account" error={imp.error} />}
          <div className="actions">
            <button type="button" onClick={onClose} data-close>
              Cancel
            </button>
            <WriteButton type="submit" className="primary" disabled={imp.isPending}>
              Import
            </WriteButton>
          </div>
        </WriteFieldset>
      </form>
    </Dialog>
  );
}

export function IssueUserDialog({ account, onClose, onDone }: { account: ManagedAccount; onClose: () => void; onDone: (r: IssueUserResponse) => void }) {
  const issue = useIssueUser();
  const [name, setName] = useState('');
  const [pubAllow, setPubAllow] = useState('');
  const [pubDeny, setPubDeny] = useState('');
  const [subAllow, setSubAllow] = useState('');
  const [subDeny, setSubDeny] = useState('');
  const [days, setDays] = useState('');
  const [bearer, setBearer] = useState(false);
  const [storeSeed, setStoreSeed] = useState(false);
  const [accountSeed, setAccountSeed] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    setProblem(null);
    const d = days.trim();
    if (d && !/^\d+$/.test(d)) return setProblem('Expires after: a number of days, or empty for never');
    issue.mutate(
      {
        account: account.publicKey,
        body: {
          name: name.trim(),
          pubAllow: lines(pubAllow),
          pubDeny: lines(pubDeny),
          subAllow: lines(subAllow),
          subDeny: lines(subDeny),
          bearer,
          storeSeed,
          ...(d ? { expiresInDays: Number(d) } : {}),
          ...(accountSeed.trim() ? { accountSeed: accountSeed.trim() } : {}),
        },
      },
      { onSuccess: onDone },
    );
  };
  return (
    <Dialog title={`New user in ${account.name}`} onClose={onClose} wide>
      <form
        aria-label="New user"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <WriteFieldset>
          <Field label="User name">
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" aria-label="User name" />
          </Field>
          <p className="hint">Permissions: subjects one a line (or comma separated). Nothing allowed listed = everything allowed.</p>
          <div className="grid cols-2">
            <Field label="Publish allow">
              <textarea rows={2} className="mono" value={pubAllow} onChange={(e) => setPubAllow(e.target.value)} aria-label="Publish allow" />
            </Field>
            <Field label="Publish deny">
              <textarea rows={2} className="mono" value={pubDeny} onChange={(e) => setPubDeny(e.target.value)} aria-label="Publish deny" />
            </Field>
            <Field label="Subscribe allow">
              <textarea rows={2} className="mono" value={subAllow} onChange={(e) => setSubAllow(e.target.value)} aria-label="Subscribe allow" />
            </Field>
            <Field label="Subscribe deny">
              <textarea rows={2} className="mono" value={subDeny} onChange={(e) => setSubDeny(e.target.value)} aria-label="Subscribe deny" />
            </Field>
          </div>
          <div className="row">
            <Field label="Expires after (days)">
              <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" aria-label="Expires after (days)" style={{ width: 120 }} />
            </Field>
            <label className="row">
              <input type="checkbox" checked={bearer} onChange={(e) => setBearer(e.target.checked)} /> Bearer token (no nonce signature)
            </label>
          </div>
          <label className="row">
            <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the user seed in the console, encrypted (creds can be downloaded again)
          </label>
          {!account.canIssue && <SeedInput label="Account seed" prefix="SA" value={accountSeed} onChange={setAccountSeed} />}
          {problem && (
            <div className="alert error" role="alert">
              {problem}
            </div>
          )}
          {issue.error && <ErrorBox action="issue the user" error={issue.error} />}
          <div className="actions">
            <button type="button" onClick={onClose} data-close>
              Cancel
            </button>
            <WriteButton type="submit" className="primary" disabled={issue.isPending || !name.trim()}>
              {issue.isPending ? 'Signing…' : 'Issue and download creds'}
            </WriteButton>
          </div>
        </WriteFieldset>
      </form>
    </Dialog>
  );
}

export function RevokeDialog({
  account,
  user,
  canSign,
  onClose,
  onDone,
}: {
  account: ManagedAccount;
  user: ManagedUser;
  canSign: boolean;
  onClose: () => void;
  onDone: (r: OperatorAccountWriteResponse) => void;
}) {
  const revoke = useRevokeUser();
  const [operatorSeed, setOperatorSeed] = useState('');
  return (
    <Dialog title={`Revoke ${user.name}?`} onClose={onClose}>
      <form
        aria-label="Revoke user"
        onSubmit={(e) => {
          e.preventDefault();
          revoke.mutate({ account: account.publicKey, user: user.publicKey, ...(operatorSeed.trim() ? { operatorSeed: operatorSeed.trim() } : {}) }, { onSuccess: onDone });
        }}
      >
        <p>
          Account <strong>{account.name}</strong> is re-signed with <code title={user.publicKey}>{shortKey(user.publicKey)}</code> revoked and pushed to the server now: a
          connected client using these creds is disconnected, and the creds stop working.
        </p>
        {!canSign && <SeedInput label="Operator seed" prefix="SO" value={operatorSeed} onChange={setOperatorSeed} />}
        {revoke.error && <ErrorBox action="revoke the user" error={revoke.error} />}
        <div className="actions">
          <button type="button" onClick={onClose} data-close>
            Cancel
          </button>
          <button type="submit" className="danger primary" disabled={revoke.isPending}>
            {revoke.isPending ? 'Revoking…' : `Revoke ${user.name}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
