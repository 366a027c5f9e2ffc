import { createContext, useContext, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { useCanWrite } from '../auth/useSession';

/** Why the fields around are locked (set by WriteFieldset), if they are. */
const LockContext = createContext<string | undefined>(undefined);

/**
 * Whether controls that change something may be used here, and if not, why: the role (a viewer
 * writes nothing) first, then a lock of the enclosing WriteFieldset (e.g. no config file).
 */
export function useWriteLock(): { locked: boolean; reason?: string } {
  const { canWrite, reason } = useCanWrite();
  const lock = useContext(LockContext);
  if (!canWrite) return { locked: true, reason };
  if (lock) return { locked: true, reason: lock };
  return { locked: false };
}

/**
 * A button that changes something. For a viewer it is shown disabled with the reason as its
 * tooltip (and for screen readers as its description), never hidden.
 */
export function WriteButton({ disabledReason, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { disabledReason?: string }) {
  const lock = useWriteLock();
  const why = lock.locked ? lock.reason : disabledReason;
  const disabled = lock.locked || props.disabled;
  return (
    <span title={disabled ? why : undefined} style={{ display: 'inline-block' }}>
      <button type="button" {...props} disabled={disabled} aria-disabled={disabled} data-disabled-reason={disabled ? why : undefined} />
    </span>
  );
}

/**
 * The fields of a form that changes something. For a viewer, or when `lockedReason` is given,
 * every field, select and button inside is disabled (a disabled fieldset), with the reason as the
 * tooltip: the values stay readable, nothing looks editable.
 */
export function WriteFieldset({ lockedReason, children, className }: { lockedReason?: string; children: ReactNode; className?: string }) {
  const { canWrite, reason } = useCanWrite();
  const outer = useContext(LockContext);
  const lock = lockedReason ?? outer;
  const why = !canWrite ? reason : lock;
  return (
    <LockContext.Provider value={lock}>
      <fieldset className={`bare ${className ?? ''}`} disabled={!!why} title={why} data-disabled-reason={why}>
        {children}
      </fieldset>
    </LockContext.Provider>
  );
}

/** A line of text explaining why writing is off, shown at the top of editable pages for viewers. */
export function ReadOnlyNotice() {
  const { canWrite, reason } = useCanWrite();
  if (canWrite) return null;
  return (
    <div className="alert info" role="note" data-testid="read-only-notice">
      {reason}
    </div>
  );
}
