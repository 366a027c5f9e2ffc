/* Send a request in an account and show the reply with its latency, or why there is none. */
import { useState, type FormEvent } from 'react';
import { MESSAGE_LIMITS } from '@switchboard/shared';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import { ErrorBox } from '../components/states';
import { draftErrors, MessageFields, type MessageDraft } from './MessageFields';
import { ReceivedView } from './ReceivedView';
import { useRequestMutation } from './useMessages';

export function formatLatency(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function RequestPanel({ accounts, draft, onDraft }: { accounts: string[]; draft: MessageDraft; onDraft: (d: MessageDraft) => void }) {
  const req = useRequestMutation();
  const [timeoutMs, setTimeoutMs] = useState(String(MESSAGE_LIMITS.defaultRequestTimeoutMs));
  const [submitted, setSubmitted] = useState(false);
  const errors = draftErrors(draft);
  const t = Number(timeoutMs);
  const timeoutErr =
    Number.isInteger(t) && t >= MESSAGE_LIMITS.minRequestTimeoutMs && t <= MESSAGE_LIMITS.maxRequestTimeoutMs ? null : `between ${MESSAGE_LIMITS.minRequestTimeoutMs} and ${MESSAGE_LIMITS.maxRequestTimeoutMs} ms`;
  const ok = Object.keys(errors).length === 0 && !timeoutErr;
  const r = req.data;
  const sent = req.variables;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (ok) req.mutate({ ...draft, timeoutMs: t });
  };

  return (
    <div className="grid cols-2">
      <form className="panel" onSubmit={submit} aria-label="Send a request" noValidate>
        <WriteFieldset>
          <MessageFields idPrefix="req" draft={draft} onChange={onDraft} accounts={accounts} errors={errors} showErrors={submitted} />
          <label className="field">
            <span>Timeout (ms)</span>
            <input type="number" min={MESSAGE_LIMITS.minRequestTimeoutMs} max={MESSAGE_LIMITS.maxRequestTimeoutMs} step={100} value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} aria-invalid={!!timeoutErr} style={{ maxWidth: 140 }} />
            {timeoutErr && <span className="field-error">{timeoutErr}</span>}
          </label>
        </WriteFieldset>
        <div className="row">
          <WriteButton type="submit" className="primary" disabled={req.isPending}>
            {req.isPending ? 'Waiting for a reply…' : 'Send request'}
          </WriteButton>
          <span className="hint">The first reply is shown. Audited.</span>
        </div>
      </form>
      <section className="panel" aria-label="Reply" data-testid="request-result">
        <h2 style={{ marginTop: 0 }}>Reply</h2>
        {req.isPending ? (
          <div className="muted" role="status">
            Waiting up to {sent?.timeoutMs ?? t} ms…
          </div>
        ) : req.error ? (
          <ErrorBox action="send the request" error={req.error} />
        ) : !r || !sent ? (
          <div className="muted">Send a request to see its reply here.</div>
        ) : r.outcome === 'reply' && r.reply ? (
          <>
            <div className="row">
              <span className="badge ok">reply</span>
              <span className="latency" data-testid="request-latency">
                {formatLatency(r.latencyMs)}
              </span>
              <span className="muted small">
                from <span className="mono">{sent.subject}</span> in {sent.account}
              </span>
            </div>
            <ReceivedView m={r.reply} />
          </>
        ) : r.outcome === 'no-responders' ? (
          <div className="alert warn" role="status" data-testid="request-no-responders">
            <strong>No responders.</strong> Nothing in account {sent.account} subscribes to <span className="mono">{sent.subject}</span>: the request reached no one (known after{' '}
            {formatLatency(r.latencyMs)}).
          </div>
        ) : (
          <div className="alert error" role="status" data-testid="request-timeout">
            <strong>Timed out after {r.timeoutMs} ms.</strong> The request reached a subscriber of <span className="mono">{sent.subject}</span> in {sent.account}, but no reply came in time.
          </div>
        )}
      </section>
    </div>
  );
}
