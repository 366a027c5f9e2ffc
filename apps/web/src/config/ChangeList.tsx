import type { DiffLine } from '../lib/textdiff';
import type { Change } from './diff';
import { fieldDiff } from './fieldDiff';

/** Diff lines as a `pre`: added/removed lines marked (and coloured), folded gaps as `…`. */
export function DiffLines({ lines, label }: { lines: (DiffLine | null)[]; label?: string }) {
  return (
    <pre className="diff" aria-label={label}>
      {lines.map((l, i) =>
        l ? (
          <span key={i} className={l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same'} data-op={l.op}>
            {l.op} {l.text}
          </span>
        ) : (
          <span key={i} className="muted same">
            …
          </span>
        ),
      )}
    </pre>
  );
}

/** Every change with its effect (hot / needs restart) and a field-by-field diff of its value. */
export function ChangeList({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <p className="muted">No changes.</p>;
  return (
    <div data-testid="change-list">
      {changes.map((c) => (
        <div className="diff-line" key={`${c.path}-${c.kind}`} data-testid="change">
          <div>
            <span className={`badge ${c.effect === 'hot' ? 'hot' : 'restart'}`} title={c.effect === 'hot' ? 'applied by reload, no restart' : (c.reason ?? 'takes effect after a restart')}>
              {c.effect === 'hot' ? 'hot' : 'needs restart'}
            </span>
          </div>
          <div>
            <div>
              <code>{c.path}</code> <span className="muted small">{c.kind}</span>
              {c.reason && <span className="muted small"> — {c.reason}</span>}
            </div>
            <DiffLines lines={fieldDiff(c.before, c.after)} label={`Changes of ${c.path}`} />
          </div>
        </div>
      ))}
    </div>
  );
}
