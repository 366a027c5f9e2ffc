/*
 * Tail a subject (wildcards allowed) in an account, live: at most `rate` messages a second reach
 * the browser (the rest are counted as dropped and said so); the tail ends on Stop or when the
 * page is left.
 */
import { useState, type FormEvent } from 'react';
import { MESSAGE_LIMITS, subjectError } from '@switchboard/shared';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import { ErrorBox } from '../components/states';
import { formatBytes, formatCount } from '../lib/format';
import { ReceivedView } from './ReceivedView';
import type { useTail } from './useMessages';

export function TailPanel({
  accounts,
  account,
  subject,
  onTarget,
  tail,
}: {
  accounts: string[];
  account: string;
  subject: string;
  onTarget: (t: { account?: string; subject?: string }) => void;
  tail: ReturnType<typeof useTail>;
}) {
  const [rate, setRate] = useState(String(MESSAGE_LIMITS.defaultTailRate));
  const r = Number(rate);
  const rateErr = Number.isInteger(r) && r >= 1 && r <= MESSAGE_LIMITS.maxTailRate ? null : `between 1 and ${MESSAGE_LIMITS.maxTailRate}`;
  const subjErr = subject ? subjectError(subject) : 'enter a subject (wildcards allowed: orders.*, orders.>)';
  const running = tail.state.phase === 'running' || tail.state.phase === 'starting';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (running) tail.stop();
    else if (!subjErr && !rateErr && account) void tail.start({ account, subject, rate: r });
  };
  const s = tail.stats;
  const t = tail.target;

  return (
    <div>
      <form className="panel" onSubmit={submit} aria-label="Tail a subject" noValidate>
        <WriteFieldset>
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <label className="field">
              <span>Account</span>
              <select value={account} onChange={(e) => onTarget({ account: e.target.value })} disabled={running}>
                {!accounts.includes(account) && <option value={account}>{account || '— choose —'}</option>}
                {accounts.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" style={{ flex: '1 1 220px' }}>
              <span>Subject</span>
              <input className="mono" value={subject} placeholder="orders.>" autoComplete="off" spellCheck={false} disabled={running} onChange={(e) => onTarget({ subject: e.target.value.trim() })} aria-invalid={!!subject && !!subjErr} />
              {subject && subjErr && <span className="field-error">{subjErr}</span>}
            </label>
            <label className="field">
              <span>Max msgs/s to the browser</span>
              <input type="number" min={1} max={MESSAGE_LIMITS.maxTailRate} value={rate} disabled={running} onChange={(e) => setRate(e.target.value)} aria-invalid={!!rateErr} style={{ maxWidth: 110 }} />
              {rateErr && <span className="field-error">{rateErr}</span>}
            </label>
          </div>
        </WriteFieldset>
        <div className="row">
          {running ? (
            <button type="submit" className="danger">
              Stop
            </button>
          ) : (
            <WriteButton type="submit" className="primary" disabled={!!subjErr || !!rateErr || !account}>
              Start tail
            </WriteButton>
          )}
          <button type="button" onClick={tail.clear} disabled={tail.messages.length === 0}>
            Clear
          </button>
          <span className="hint">
            Payloads over {formatBytes(MESSAGE_LIMITS.maxTailPayloadBytes)} are cut. The last {formatCount(500)} messages are kept here. Audited.
          </span>
        </div>
      </form>

      <div className="row" role="status" aria-live="polite" data-testid="tail-status" style={{ marginBottom: 8 }}>
        {tail.state.phase === 'idle' && <span className="muted">Not tailing.</span>}
        {tail.state.phase === 'starting' && <span className="muted">Starting…</span>}
        {tail.state.phase === 'running' && t && (
          <>
            <span className="badge ok">live</span>
            <span>
              Tailing <span className="mono">{t.subject}</span> in <strong>{t.account}</strong>
            </span>
          </>
        )}
        {tail.state.phase === 'ended' && <span className="badge">ended: {tail.state.reason}</span>}
        {s && (
          <span className="small" data-testid="tail-counts">
            {formatCount(s.matched)} matched · {formatCount(s.delivered)} shown ·{' '}
            <span className={s.dropped > 0 ? 'warn-text' : undefined} data-testid="tail-dropped">
              {formatCount(s.dropped)} dropped
            </span>
            {s.dropped > 0 ? ` (over ${s.rate} msgs/s, or the browser fell behind)` : ''}
          </span>
        )}
      </div>
      {tail.state.phase === 'error' && <ErrorBox action="start the tail" error={tail.state.error} />}

      {tail.messages.length > 0 ? (
        <div className="tail-list" data-testid="tail-messages" aria-label="Tailed messages">
          {tail.messages.map((m) => (
            <div className="tail-msg" key={m.seq} data-testid="tail-message">
              <div className="head">
                <span className="muted mono">{new Date(m.time).toLocaleTimeString(undefined, { hour12: false })}.{String(m.time % 1000).padStart(3, '0')}</span>
                <span className="mono" style={{ fontWeight: 600 }}>
                  {m.subject}
                </span>
                {m.reply && <span className="small muted mono">reply {m.reply}</span>}
                <span className="small muted">{formatBytes(m.size)}</span>
              </div>
              <ReceivedView m={m} compact />
            </div>
          ))}
        </div>
      ) : (
        running && <div className="empty">Waiting for messages…</div>
      )}
    </div>
  );
}
