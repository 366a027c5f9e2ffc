/*
 * The fields a published message and a request share: account, subject, headers and payload
 * (text or JSON). Field errors show at the field as the user types (the shared subject rules, the
 * JSON check, the console's size limit); the server checks the same again.
 */
import { MESSAGE_LIMITS, MessageHeaderSchema, subjectError } from '@switchboard/shared';
import { formatBytes } from '../lib/format';

export interface MessageDraft {
  account: string;
  subject: string;
  headers: { name: string; value: string }[];
  payload: string;
  encoding: 'text' | 'json';
}

export const emptyDraft = (account: string): MessageDraft => ({ account, subject: '', headers: [], payload: '', encoding: 'text' });

export function payloadBytes(p: string): number {
  return new TextEncoder().encode(p).length;
}

/** Field → error, for the fields of a draft that are wrong (empty when it can be sent). */
export function draftErrors(d: MessageDraft): Record<string, string> {
  const e: Record<string, string> = {};
  if (!d.account) e.account = 'choose an account';
  const s = subjectError(d.subject, { wildcards: false });
  if (s) e.subject = s;
  d.headers.forEach((h, i) => {
    const r = MessageHeaderSchema.safeParse(h);
    if (!r.success) e[`header${i}`] = r.error.issues[0]?.message ?? 'invalid header';
  });
  if (d.headers.length > MESSAGE_LIMITS.maxHeaders) e.headers = `at most ${MESSAGE_LIMITS.maxHeaders} headers`;
  const n = payloadBytes(d.payload);
  if (n > MESSAGE_LIMITS.maxPayloadBytes) e.payload = `${formatBytes(n)}: larger than the console's limit of ${formatBytes(MESSAGE_LIMITS.maxPayloadBytes)}`;
  else if (d.encoding === 'json') {
    try {
      JSON.parse(d.payload);
    } catch (x) {
      e.payload = `not valid JSON: ${(x as Error).message}`;
    }
  }
  return e;
}

export function MessageFields({
  idPrefix,
  draft,
  onChange,
  accounts,
  errors,
  showErrors,
}: {
  idPrefix: string;
  draft: MessageDraft;
  onChange: (d: MessageDraft) => void;
  accounts: string[];
  errors: Record<string, string>;
  /** Show errors of untouched fields too (after a submit). */
  showErrors: boolean;
}) {
  const set = (patch: Partial<MessageDraft>) => onChange({ ...draft, ...patch });
  const setHeader = (i: number, patch: Partial<{ name: string; value: string }>) => set({ headers: draft.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  const subjErr = (draft.subject !== '' || showErrors) && errors.subject;
  const payloadErr = (draft.payload !== '' || showErrors) && errors.payload;
  return (
    <>
      <div className="grid cols-2" style={{ gap: '0 14px' }}>
        <label className="field">
          <span>Account</span>
          <select value={draft.account} onChange={(e) => set({ account: e.target.value })} aria-invalid={showErrors && !!errors.account}>
            {!accounts.includes(draft.account) && <option value={draft.account}>{draft.account || '— choose —'}</option>}
            {accounts.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          {showErrors && errors.account && <span className="field-error">{errors.account}</span>}
        </label>
        <label className="field">
          <span>Subject</span>
          <input className="mono" id={`${idPrefix}-subject`} value={draft.subject} placeholder="orders.new" autoComplete="off" spellCheck={false} onChange={(e) => set({ subject: e.target.value.trim() })} aria-invalid={!!subjErr} />
          {subjErr && <span className="field-error">{subjErr}</span>}
        </label>
      </div>
      <fieldset>
        <legend>Headers</legend>
        {draft.headers.length === 0 && <div className="hint">No headers.</div>}
        <div className="list-editor">
          {draft.headers.map((h, i) => (
            <div key={i}>
              <div className="item">
                <input className="mono" aria-label={`Header ${i + 1} name`} placeholder="Name" value={h.name} onChange={(e) => setHeader(i, { name: e.target.value })} aria-invalid={!!errors[`header${i}`]} />
                <input className="mono" aria-label={`Header ${i + 1} value`} placeholder="value" value={h.value} onChange={(e) => setHeader(i, { value: e.target.value })} />
                <button type="button" aria-label={`Remove header ${i + 1}`} onClick={() => set({ headers: draft.headers.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              </div>
              {errors[`header${i}`] && <span className="field-error">{errors[`header${i}`]}</span>}
            </div>
          ))}
        </div>
        <button type="button" style={{ marginTop: 6 }} disabled={draft.headers.length >= MESSAGE_LIMITS.maxHeaders} onClick={() => set({ headers: [...draft.headers, { name: '', value: '' }] })}>
          Add header
        </button>
      </fieldset>
      <div className="row" style={{ marginBottom: 3 }}>
        <strong style={{ fontSize: 12.5 }}>Payload</strong>
        <span className="spacer" />
        <span className="segmented" role="group" aria-label="Payload format">
          {(['text', 'json'] as const).map((enc) => (
            <button key={enc} type="button" aria-pressed={draft.encoding === enc} onClick={() => set({ encoding: enc })}>
              {enc === 'text' ? 'Text' : 'JSON'}
            </button>
          ))}
        </span>
        {draft.encoding === 'json' && (
          <button type="button" disabled={!!errors.payload} onClick={() => set({ payload: JSON.stringify(JSON.parse(draft.payload), null, 2) })}>
            Format
          </button>
        )}
      </div>
      <label className="field">
        <span className="sr-only">Payload</span>
        <textarea
          className="mono"
          rows={6}
          value={draft.payload}
          placeholder={draft.encoding === 'json' ? '{"id": 1}' : 'hello'}
          spellCheck={false}
          onChange={(e) => set({ payload: e.target.value })}
          aria-label="Payload"
          aria-invalid={!!payloadErr}
        />
        <span className="hint">
          {formatBytes(payloadBytes(draft.payload))} of at most {formatBytes(MESSAGE_LIMITS.maxPayloadBytes)}
          {draft.encoding === 'json' ? ' · checked to be JSON, sent as typed' : ''}
        </span>
        {payloadErr && <span className="field-error">{payloadErr}</span>}
      </label>
    </>
  );
}
