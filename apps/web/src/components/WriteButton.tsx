import type { ButtonHTMLAttributes } from 'react';
import { useCanWrite } from '../auth/useSession';

/**
 * A button that changes something. For a viewer it is shown disabled with the reason as its
 * tooltip (and for screen readers as its description), never hidden.
 */
export function WriteButton({ disabledReason, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { disabledReason?: string }) {
  const { canWrite, reason } = useCanWrite();
  const why = !canWrite ? reason : disabledReason;
  const disabled = !canWrite || props.disabled;
  return (
    <span title={disabled ? why : undefined} style={{ display: 'inline-block' }}>
      <button type="button" {...props} disabled={disabled} aria-disabled={disabled} data-disabled-reason={disabled ? why : undefined} />
    </span>
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
