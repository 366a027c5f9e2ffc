/**
 * A private export's activation tokens (the ones the console issued) and its revocations:
 * revoke an importer's tokens with one confirmed click, remove a revocation. Both re-sign the
 * account and push it; the server ends (or restores) the live import.
 */
import { useState } from 'react';
import type { ManagedAccount, ManagedExport, OperatorAccountWriteResponse, OperatorState } from '@switchboard/shared';
import { Dialog } from '../components/Dialog';
import { ErrorBox } from '../components/states';
import { WriteButton } from '../components/WriteButton';
import { formatTime } from '../lib/format';
import { SeedInput } from './dialogs';
import { shortKey, useRemoveExportRevocation, useRevokeActivations } from './useOperator';

type Pending = { kind: 'revoke' | 'unrevoke'; importer: string };

const pushText = (r: OperatorAccountWriteResponse) => (r.push ? `${r.push.ok ? 'pushed' : 'not pushed'} (${r.push.via}): ${r.push.message}` : 'not pushed');

export function ExportActivations({ account: a, exp, state, onNotice }: { account: ManagedAccount; exp: ManagedExport; state: OperatorState; onNotice: (text: string) => void }) {
  const revoke = useRevokeActivations();
  const unrevoke = useRemoveExportRevocation();
  const [pending, setPending] = useState<Pending | null>(null);
  const [seed, setSeed] = useState('');
  const canSign = !!state.operator?.canSign;
  const nameOf = (k: string) => (k === '*' ? 'every importer' : (state.accounts.find((x) => x.publicKey === k)?.name ?? shortKey(k)));
  if (exp.activations.length === 0 && exp.revocations.length === 0) return null;
  const m = pending?.kind === 'unrevoke' ? unrevoke : revoke;
  const confirm = () => {
    if (!pending) return;
    const body = { type: exp.type, subject: exp.subject, importer: pending.importer, ...(seed.trim() ? { operatorSeed: seed.trim() } : {}) };
    const who = nameOf(pending.importer);
    m.mutate(
      { account: a.publicKey, body },
      {
        onSuccess: (r) => {
          setPending(null);
          onNotice(pending.kind === 'revoke' ? `Revoked the tokens of ${who} for ${exp.subject}; ${pushText(r)}` : `Removed the revocation of ${who} on ${exp.subject}; ${pushText(r)}`);
        },
      },
    );
  };
  return (
    <div className="small" data-testid={`export-activations-${exp.subject}`} style={{ margin: '4px 0 8px' }}>
      {exp.activations.length > 0 && (
        <table className="small">
          <caption className="sr-only">Activation tokens issued for {exp.subject}</caption>
          <thead>
            <tr>
              <th>Importer</th>
              <th>Subject</th>
              <th>Issued</th>
              <th>Expires</th>
              <th>Token id</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {exp.activations.map((t) => (
              <tr key={t.jti} data-testid={`activation-${nameOf(t.importer)}`}>
                <td>{nameOf(t.importer)}</td>
                <td>
                  <code>{t.subject}</code>
                </td>
                <td>{formatTime(t.issuedAt)}</td>
                <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
                <td>
                  <code title={t.jti}>{shortKey(t.jti)}</code>
                </td>
                <td>{t.revoked ? <span className="badge bad">revoked</span> : t.expired ? <span className="badge">expired</span> : <span className="badge ok">active</span>}</td>
                <td>
                  {!t.revoked && !t.expired && (
                    <WriteButton className="danger small" onClick={() => setPending({ kind: 'revoke', importer: t.importer })} aria-label={`Revoke activation of ${nameOf(t.importer)} for ${exp.subject}`}>
                      Revoke
                    </WriteButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {exp.revocations.length > 0 && (
        <ul style={{ margin: '4px 0', paddingLeft: 18 }} aria-label={`Revocations on ${exp.subject}`}>
          {exp.revocations.map((r) => (
            <li key={r.importer} data-testid={`export-revocation-${nameOf(r.importer)}`}>
              tokens of <strong>{nameOf(r.importer)}</strong> issued until {formatTime(r.at)} revoked{' '}
              <WriteButton className="small" onClick={() => setPending({ kind: 'unrevoke', importer: r.importer })} aria-label={`Remove revocation of ${nameOf(r.importer)} on ${exp.subject}`}>
                Remove
              </WriteButton>
            </li>
          ))}
        </ul>
      )}
      {pending && (
        <Dialog title={pending.kind === 'revoke' ? 'Revoke activation tokens?' : 'Remove revocation?'} onClose={() => setPending(null)}>
          {pending.kind === 'revoke' ? (
            <p>
              Every token {a.name} issued to <strong>{nameOf(pending.importer)}</strong> for <code>{exp.subject}</code> until now stops working: {a.name} is re-signed with the revocation and pushed,
              and the server ends the live import. A token issued later works again.
            </p>
          ) : (
            <p>
              Tokens of <strong>{nameOf(pending.importer)}</strong> for <code>{exp.subject}</code> work again: {a.name} is re-signed without the revocation and pushed.
            </p>
          )}
          {!canSign && <SeedInput label="Operator seed" prefix="SO" value={seed} onChange={setSeed} />}
          {m.error && <ErrorBox action={pending.kind === 'revoke' ? 'revoke' : 'remove the revocation'} error={m.error} />}
          <div className="actions">
            <button type="button" onClick={() => setPending(null)} data-close>
              Cancel
            </button>
            <button type="button" className={pending.kind === 'revoke' ? 'danger primary' : 'primary'} disabled={m.isPending} onClick={confirm}>
              {m.isPending ? 'Signing…' : pending.kind === 'revoke' ? 'Revoke, sign and push' : 'Remove, sign and push'}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
