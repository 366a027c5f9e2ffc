/*
 * Messages: publish, request and tail inside an account through the broker's internal client
 * (admins; viewers see the forms read-only with the reason), and the subject explorer (everyone).
 * The tool, the account and the tail's subject live in the URL.
 */
import { useState } from 'react';
import { ReadOnlyNotice } from '../components/WriteButton';
import { ErrorBox } from '../components/states';
import { pickParam, useUrlState } from '../lib/urlState';
import { emptyDraft, type MessageDraft } from './MessageFields';
import { PublishPanel } from './PublishPanel';
import { RequestPanel } from './RequestPanel';
import { SubjectsPanel } from './SubjectsPanel';
import { TailPanel } from './TailPanel';
import { useAccountNames, useTail } from './useMessages';
import './messages.css';

const TOOLS = [
  { id: 'publish', label: 'Publish' },
  { id: 'request', label: 'Request' },
  { id: 'tail', label: 'Tail' },
  { id: 'subjects', label: 'Subjects' },
] as const;
type Tool = (typeof TOOLS)[number]['id'];

/** The account preselected: `$G` (where clients without an account land) if it exists, else the first. */
export function defaultAccount(names: string[]): string {
  return names.includes('$G') ? '$G' : (names[0] ?? '');
}

export function MessagesPage() {
  const [params, setParams] = useUrlState({ tool: 'publish' });
  const tool = pickParam<Tool>(params, 'tool', TOOLS.map((t) => t.id), 'publish');
  const accounts = useAccountNames();
  const account = params.get('account') ?? defaultAccount(accounts.names);
  const tail = useTail();
  // One draft per form, kept while switching tools.
  const [pubDraft, setPubDraft] = useState<MessageDraft | null>(null);
  const [reqDraft, setReqDraft] = useState<MessageDraft | null>(null);
  const draftFor = (d: MessageDraft | null) => (d ? d : emptyDraft(account));
  const keepAccount = (set: (d: MessageDraft) => void) => (d: MessageDraft) => {
    set(d);
    if (d.account !== account) setParams({ account: d.account });
  };

  return (
    <div>
      <div className="page-head">
        <h1>Messages</h1>
        <span className="muted small">through the broker’s internal client, inside the account you choose</span>
      </div>
      <ReadOnlyNotice />
      {accounts.error != null && accounts.names.length === 0 && <ErrorBox action="list the accounts" error={accounts.error} />}
      <div className="tabs" role="tablist" aria-label="Message tools">
        {TOOLS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tool === t.id} onClick={() => setParams({ tool: t.id }, { push: true })}>
            {t.label}
            {t.id === 'tail' && tail.state.phase === 'running' ? ' ●' : ''}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={TOOLS.find((t) => t.id === tool)?.label}>
        {tool === 'publish' && <PublishPanel accounts={accounts.names} draft={{ ...draftFor(pubDraft), account: pubDraft?.account ?? account }} onDraft={keepAccount(setPubDraft)} />}
        {tool === 'request' && <RequestPanel accounts={accounts.names} draft={{ ...draftFor(reqDraft), account: reqDraft?.account ?? account }} onDraft={keepAccount(setReqDraft)} />}
        {tool === 'tail' && (
          <TailPanel accounts={accounts.names} account={account} subject={params.get('subject') ?? ''} tail={tail} onTarget={(t) => setParams({ ...(t.account !== undefined ? { account: t.account } : {}), ...(t.subject !== undefined ? { subject: t.subject } : {}) })} />
        )}
        {tool === 'subjects' && (
          <SubjectsPanel
            account={params.get('sacc') ?? ''}
            q={params.get('q') ?? ''}
            onFilter={(f) => setParams(f)}
            onTail={(acc, subject) => setParams({ tool: 'tail', account: acc, subject }, { push: true })}
          />
        )}
      </div>
    </div>
  );
}
