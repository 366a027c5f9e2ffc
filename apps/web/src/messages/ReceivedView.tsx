/* A received message (a reply, a tailed message): subject, reply, headers and payload. */
import type { ReceivedMessage } from '@switchboard/shared';
import { formatBytes } from '../lib/format';

/** The payload as shown: JSON pretty-printed when it parses, else as it came. */
export function showPayload(m: Pick<ReceivedMessage, 'payload' | 'payloadEncoding' | 'truncated'>): string {
  if (m.payloadEncoding === 'base64') return m.payload;
  if (!m.truncated) {
    const t = m.payload.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        /* not JSON */
      }
    }
  }
  return m.payload;
}

export function ReceivedView({ m, compact }: { m: ReceivedMessage; compact?: boolean }) {
  return (
    <div className="received">
      {!compact && (
        <div className="small">
          <span className="muted">subject</span> <span className="mono">{m.subject}</span>
          {m.reply && (
            <>
              {' '}
              · <span className="muted">reply</span> <span className="mono">{m.reply}</span>
            </>
          )}
          {m.status && (
            <>
              {' '}
              · <span className="muted">status</span> <span className="mono">{m.status}</span>
            </>
          )}
        </div>
      )}
      {m.headers.length > 0 && (
        <div className="small mono" data-testid="received-headers">
          {m.headers.map((h, i) => (
            <div key={i}>
              <span className="muted">{h.name}:</span> {h.value}
            </div>
          ))}
        </div>
      )}
      <pre className="payload" data-testid="received-payload">
        {m.size === 0 ? <span className="muted">(empty payload)</span> : showPayload(m)}
      </pre>
      {(!compact || m.truncated || m.payloadEncoding === 'base64') && (
        <div className="hint">
          {formatBytes(m.size)}
          {m.payloadEncoding === 'base64' ? ' · not UTF-8, shown as base64' : ''}
          {m.truncated ? ` · cut: only the first ${formatBytes(new TextEncoder().encode(m.payload).length)} shown` : ''}
        </div>
      )}
    </div>
  );
}
