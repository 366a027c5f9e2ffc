/** The operator page's forms: an account (new or edited), an imported account, a new user, a revocation. */
import { useState } from 'react';
import type { IssueUserResponse, ManagedAccount, ManagedUser, OperatorAccountWriteResponse, OperatorState } from '@switchboard/shared';
import { Dialog } from '../components/Dialog';
import { ErrorBox } from '../components/states';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import { Field, SignFormFooter, ImportRows, PermissionFields, importRowsFrom, importsFromRows, type ImportRow } from './forms';
import { emptyPermText, entries, parsePermText, permSummary } from './permissions';
import {
  exportsText,
  limitText,
  parseExports,
  parseLimit,
  shortKey,
  useCreateAccount,
  useImportAccount,
  useIssueUser,
  useRevokeUser,
  useUpdateAccount,
} from './useOperator';

/** A seed input shown when the console stores none for the signer. */
export function SeedInput({ label, value, onChange, prefix }: { label: string; value: string; onChange: (v: string) => void; prefix: string }) {
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
  const [importRows, setImportRows] = useState<ImportRow[]>(account ? importRowsFrom(account.imports) : []);
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
    const im = importsFromRows(importRows);
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
          <Field
            label="Exports"
            hint='One a line: "stream orders.>" or "service stock.check"; add "token" to make it private (importers need an activation token this account issues).'
          >
            <textarea rows={3} className="mono" value={exportsTxt} onChange={(e) => setExports(e.target.value)} spellCheck={false} aria-label="Exports" />
          </Field>
          <ImportRows rows={importRows} onChange={setImportRows} state={state} {...(account ? { self: account.publicKey } : {})} />
          {!account && (
            <label className="row">
              <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the account seed in the console, encrypted (to issue its users
              here)
            </label>
          )}
          {!canSign && <SeedInput label="Operator seed" prefix="SO" value={operatorSeed} onChange={setOperatorSeed} />}
          <SignFormFooter problem={problem} error={m.error} action={account ? 'save the account' : 'create the account'} pending={m.isPending} disabled={!name.trim()} label={account ? 'Sign and push' : 'Create and push'} onCancel={onClose} />
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
  const [perm, setPerm] = useState(emptyPermText);
  const [tags, setTags] = useState('');
  const [days, setDays] = useState('');
  const [signingKey, setSigningKey] = useState('');
  const [storeSeed, setStoreSeed] = useState(false);
  const [accountSeed, setAccountSeed] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const chosen = account.signingKeys.find((k) => k.key === signingKey);
  const scoped = chosen?.role !== undefined && chosen.template ? chosen : undefined;
  // A seed is asked for when the console holds none for the chosen key.
  const needsSeed = chosen ? !chosen.seedStored : !account.canIssue;
  const submit = () => {
    setProblem(null);
    const d = days.trim();
    if (d && !/^\d+$/.test(d)) return setProblem('Expires after: a number of days, or empty for never');
    const p = parsePermText(perm);
    if (!scoped && !p.ok) return setProblem(p.error);
    issue.mutate(
      {
        account: account.publicKey,
        body: {
          name: name.trim(),
          ...(scoped || !p.ok ? {} : p.value),
          tags: entries(tags),
          storeSeed,
          ...(signingKey ? { signingKey } : {}),
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
          <div className="row" style={{ flexWrap: 'wrap' }}>
            <Field label="User name">
              <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" aria-label="User name" />
            </Field>
            <Field label="Signed by" hint={scoped ? undefined : 'The account key or one of its signing keys.'}>
              <select value={signingKey} onChange={(e) => setSigningKey(e.target.value)} aria-label="Signed by">
                <option value="">{account.canIssue ? 'a key the console holds' : 'the account key'}</option>
                {account.signingKeys.map((k) => (
                  <option key={k.key} value={k.key}>
                    {k.role !== undefined ? `scoped key, role ${k.role}` : 'signing key'} {shortKey(k.key)}
                    {k.seedStored ? '' : ' (seed needed)'}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Tags" hint="Comma separated; {{tag(name)}} in a scope's subjects reads them">
              <input value={tags} onChange={(e) => setTags(e.target.value)} aria-label="Tags" />
            </Field>
            <Field label="Expires after (days)">
              <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" aria-label="Expires after (days)" style={{ width: 120 }} />
            </Field>
          </div>
          {scoped ? (
            <div className="alert" data-testid="scope-notice">
              Signed by the scoped key of role <strong>{scoped.role}</strong>: the server gives this user the scope&apos;s permissions and limits on connect, whatever its JWT says (so
              it carries none): {permSummary(scoped.template!)}.
            </div>
          ) : (
            <PermissionFields value={perm} onChange={setPerm} />
          )}
          <label className="row">
            <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the user seed in the console, encrypted (creds can be downloaded again)
          </label>
          {needsSeed && <SeedInput label={chosen ? 'Signing key seed' : 'Account seed'} prefix="SA" value={accountSeed} onChange={setAccountSeed} />}
          <SignFormFooter problem={problem} error={issue.error} action="issue the user" pending={issue.isPending} disabled={!name.trim()} label="Issue and download creds" onCancel={onClose} />
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
