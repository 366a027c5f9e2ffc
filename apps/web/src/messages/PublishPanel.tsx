/* Publish a message in an account, through the broker's internal client. */
import { useState, type FormEvent } from 'react';
import { MESSAGE_LIMITS, subjectError } from '@switchboard/shared';
import { WriteButton, WriteFieldset } from '../components/WriteButton';
import { ErrorBox } from '../components/states';
import { formatBytes } from '../lib/format';
import { draftErrors, MessageFields, type MessageDraft } from './MessageFields';
import { usePublishMutation } from './useMessages';

export function PublishPanel({ accounts, draft, onDraft }: { accounts: string[]; draft: MessageDraft; onDraft: (d: MessageDraft) => void }) {
  const publish = usePublishMutation();
  const [reply, setReply] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const errors = draftErrors(draft);
  const replyErr = reply ? subjectError(reply, { wildcards: false }) : null;
  const ok = Object.keys(errors).length === 0 && !replyErr;
  const last = publish.variables;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!ok) return;
    publish.mutate({ ...draft, ...(reply ? { reply } : {}) });
  };

  return (
    <form className="panel" onSubmit={submit} aria-label="Publish a message" noValidate>
      <WriteFieldset>
        <MessageFields idPrefix="pub" draft={draft} onChange={onDraft} accounts={accounts} errors={errors} showErrors={submitted} />
        <label className="field">
          <span>Reply subject (optional)</span>
          <input className="mono" value={reply} placeholder="none" autoComplete="off" spellCheck={false} onChange={(e) => setReply(e.target.value.trim())} aria-invalid={!!replyErr} />
          {replyErr && <span className="field-error">{replyErr}</span>}
        </label>
      </WriteFieldset>
      <div className="row">
        <WriteButton type="submit" className="primary" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </WriteButton>
        <span className="hint">
          At most {MESSAGE_LIMITS.publishesPerSecond} publishes and requests a second per session. Audited.
        </span>
      </div>
      {publish.error && <ErrorBox action="publish" error={publish.error} />}
      {publish.data && last && !publish.isPending && (
        <div className={`alert ${publish.data.delivered ? 'ok' : 'warn'}`} role="status" data-testid="publish-result">
          Published to <span className="mono">{last.subject}</span> in <strong>{last.account}</strong> ({formatBytes(publish.data.bytes)}
          {publish.data.headerBytes ? ` + ${formatBytes(publish.data.headerBytes)} of headers` : ''}):{' '}
          {publish.data.delivered ? 'delivered to at least one subscriber.' : 'no subscriber received it (nothing in this account subscribes to the subject).'}
        </div>
      )}
    </form>
  );
}
