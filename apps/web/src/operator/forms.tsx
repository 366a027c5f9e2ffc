/** Form pieces of the operator page: what a user may do (also a scope's template), and an account's imports. */
import { type ReactNode } from 'react';
import { ErrorBox } from '../components/states';
import { WriteButton } from '../components/WriteButton';
import { CONNECTION_TYPES, type OperatorImport, type OperatorState } from '@switchboard/shared';
import { activationOf, type PermText } from './permissions';
import { shortKey } from './useOperator';

/** The end of a signing form: the form's own problem, the server's error, Cancel and the submit button. */
export function SignFormFooter(p: { problem: string | null | undefined; error: unknown; action: string; pending: boolean; disabled?: boolean; label: string; onCancel: () => void }) {
  return (
    <>
      {p.problem && (
        <div className="alert error" role="alert">
          {p.problem}
        </div>
      )}
      {p.error ? <ErrorBox action={p.action} error={p.error} /> : null}
      <div className="actions">
        <button type="button" onClick={p.onCancel} data-close>
          Cancel
        </button>
        <WriteButton type="submit" className="primary" disabled={p.pending || p.disabled}>
          {p.pending ? 'Signing…' : p.label}
        </WriteButton>
      </div>
    </>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
}

/** Permissions, limits, reply permission, source networks, time windows, bearer, connection types. */
export function PermissionFields({ value: v, onChange, prefix = '' }: { value: PermText; onChange: (next: PermText) => void; prefix?: string }) {
  const set = <K extends keyof PermText>(k: K, x: PermText[K]) => onChange({ ...v, [k]: x });
  const area = (k: 'pubAllow' | 'pubDeny' | 'subAllow' | 'subDeny', label: string) => (
    <Field label={label}>
      <textarea rows={2} className="mono" value={v[k]} onChange={(e) => set(k, e.target.value)} aria-label={`${prefix}${label}`} spellCheck={false} />
    </Field>
  );
  const num = (k: 'subs' | 'payload' | 'data', label: string) => (
    <Field label={label}>
      <input inputMode="numeric" value={v[k]} onChange={(e) => set(k, e.target.value)} placeholder="unlimited" aria-label={`${prefix}${label}`} style={{ width: 130 }} />
    </Field>
  );
  return (
    <>
      <p className="hint">Subjects one a line (or comma separated). Nothing allowed listed = everything allowed.</p>
      <div className="grid cols-2">
        {area('pubAllow', 'Publish allow')}
        {area('pubDeny', 'Publish deny')}
        {area('subAllow', 'Subscribe allow')}
        {area('subDeny', 'Subscribe deny')}
      </div>
      <fieldset>
        <legend>Limits and replies</legend>
        <div className="row" style={{ flexWrap: 'wrap' }}>
          {num('subs', 'Max subscriptions')}
          {num('payload', 'Max payload (bytes)')}
          {num('data', 'Max data (bytes)')}
          <Field label="Reply messages" hint="Publish to reply subjects of requests received">
            <input inputMode="numeric" value={v.respMax} onChange={(e) => set('respMax', e.target.value)} placeholder="none" aria-label={`${prefix}Reply messages`} style={{ width: 110 }} />
          </Field>
          <Field label="Reply window">
            <input value={v.respTtl} onChange={(e) => set('respTtl', e.target.value)} placeholder="e.g. 5s" aria-label={`${prefix}Reply window`} style={{ width: 110 }} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Where and when</legend>
        <div className="grid cols-2">
          <Field label="Source networks" hint="CIDR, one a line (10.0.0.0/8); empty = anywhere">
            <textarea rows={2} className="mono" value={v.src} onChange={(e) => set('src', e.target.value)} aria-label={`${prefix}Source networks`} spellCheck={false} />
          </Field>
          <Field label="Time windows" hint="HH:MM-HH:MM, one a line; empty = any time">
            <textarea rows={2} className="mono" value={v.times} onChange={(e) => set('times', e.target.value)} aria-label={`${prefix}Time windows`} spellCheck={false} />
          </Field>
        </div>
        <Field label="Time zone of the windows" hint="IANA name (UTC, Europe/Berlin); empty = the server's local time">
          <input value={v.locale} onChange={(e) => set('locale', e.target.value)} placeholder="server local time" aria-label={`${prefix}Time zone`} style={{ width: 220 }} />
        </Field>
        <div className="row" style={{ flexWrap: 'wrap' }} role="group" aria-label={`${prefix}Connection types`}>
          <span className="small">Connection types (none checked = all):</span>
          {CONNECTION_TYPES.map((t) => (
            <label key={t} className="row small">
              <input
                type="checkbox"
                checked={v.connectionTypes.includes(t)}
                onChange={(e) => set('connectionTypes', e.target.checked ? [...v.connectionTypes, t] : v.connectionTypes.filter((x) => x !== t))}
              />{' '}
              {t}
            </label>
          ))}
        </div>
        <label className="row">
          <input type="checkbox" checked={v.bearer} onChange={(e) => set('bearer', e.target.checked)} aria-label={`${prefix}Bearer token`} /> Bearer token (connects without a nonce signature)
        </label>
      </fieldset>
    </>
  );
}

export interface ImportRow {
  type: 'stream' | 'service';
  account: string;
  subject: string;
  localSubject: string;
  token: string;
}

export const importRowsFrom = (imports: readonly OperatorImport[]): ImportRow[] =>
  imports.map((i) => ({ type: i.type, account: i.account, subject: i.subject, localSubject: i.localSubject && i.localSubject !== i.subject ? i.localSubject : '', token: i.token ?? '' }));

/** The rows as the API takes them, or the first problem (row numbers from 1). */
export function importsFromRows(rows: readonly ImportRow[]): { ok: true; value: OperatorImport[] } | { ok: false; error: string } {
  const out: OperatorImport[] = [];
  for (const [i, r] of rows.entries()) {
    if (!/^A[A-Z2-7]{55}$/.test(r.account.trim())) return { ok: false, error: `import ${i + 1}: choose the account to import from (a key starting with A, 56 characters)` };
    if (!r.subject.trim() || /\s/.test(r.subject.trim())) return { ok: false, error: `import ${i + 1}: a subject without spaces` };
    out.push({
      type: r.type,
      account: r.account.trim(),
      subject: r.subject.trim(),
      ...(r.localSubject.trim() ? { localSubject: r.localSubject.trim() } : {}),
      ...(r.token.trim() ? { token: r.token.trim() } : {}),
    });
  }
  return { ok: true, value: out };
}

/** An account's imports, one row each; pasting an activation token fills in the rest. */
export function ImportRows({ rows, onChange, state, self }: { rows: ImportRow[]; onChange: (rows: ImportRow[]) => void; state: OperatorState; self?: string }) {
  const others = state.accounts.filter((a) => a.publicKey !== self);
  const known = new Set(others.map((a) => a.publicKey));
  const update = (i: number, patch: Partial<ImportRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend>Imports</legend>
      {rows.length === 0 && <p className="hint">No imports. A private export needs an activation token issued by the exporting account for this one.</p>}
      {rows.map((r, i) => (
        <div key={i} className="import-row" role="group" aria-label={`Import ${i + 1}`} style={{ borderTop: i ? '1px solid var(--border)' : undefined, paddingTop: i ? 6 : 0 }}>
          <div className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end' }}>
            <Field label="Type">
              <select value={r.type} onChange={(e) => update(i, { type: e.target.value as 'stream' | 'service' })} aria-label="Import type">
                <option value="stream">stream</option>
                <option value="service">service</option>
              </select>
            </Field>
            <Field label="From account">
              <select
                value={known.has(r.account) ? r.account : r.account ? '__other' : ''}
                onChange={(e) => update(i, { account: e.target.value === '__other' ? ' ' : e.target.value })}
                aria-label="From account"
              >
                <option value="">choose…</option>
                {others.map((a) => (
                  <option key={a.publicKey} value={a.publicKey}>
                    {a.name} ({shortKey(a.publicKey)})
                  </option>
                ))}
                <option value="__other">another account (key)…</option>
              </select>
            </Field>
            {r.account && !known.has(r.account) && (
              <Field label="Account key">
                <input className="mono" value={r.account.trim()} onChange={(e) => update(i, { account: e.target.value })} placeholder="A…" aria-label="Account key" style={{ width: 260 }} />
              </Field>
            )}
            <Field label="Subject">
              <input className="mono" value={r.subject} onChange={(e) => update(i, { subject: e.target.value })} aria-label="Import subject" style={{ width: 160 }} />
            </Field>
            <Field label="Local subject">
              <input className="mono" value={r.localSubject} onChange={(e) => update(i, { localSubject: e.target.value })} placeholder="same" aria-label="Local subject" style={{ width: 140 }} />
            </Field>
            <button type="button" className="danger" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove import ${i + 1}`}>
              Remove
            </button>
          </div>
          <Field label="Activation token" hint="For a private export: paste the token the exporting account issued for this account (type, account and subject are filled in from it).">
            <textarea
              rows={2}
              className="mono"
              value={r.token}
              spellCheck={false}
              aria-label="Activation token"
              onChange={(e) => {
                const token = e.target.value;
                const act = activationOf(token);
                update(i, act ? { token, type: act.kind, account: r.account.trim() ? r.account : act.account, subject: r.subject.trim() ? r.subject : act.subject } : { token });
              }}
            />
          </Field>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { type: 'stream', account: '', subject: '', localSubject: '', token: '' }])}>
        Add import
      </button>
    </fieldset>
  );
}
