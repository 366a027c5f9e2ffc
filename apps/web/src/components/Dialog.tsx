import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** A modal dialog: focus moves into it, Escape closes it, focus returns on close. */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not([data-close])');
    (first ?? ref.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      prev?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={id} ref={ref} tabIndex={-1} style={wide ? { width: 'min(1100px, 100%)' } : undefined}>
        <h2 id={id}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Destructive action confirmation: the user types `name` to enable the button. */
export function TypeToConfirm({
  title,
  name,
  what,
  action,
  onConfirm,
  onClose,
  busy,
  children,
}: {
  title: string;
  name: string;
  what: string;
  action: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  children?: ReactNode;
}) {
  const [typed, setTyped] = useState('');
  const ok = typed === name;
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) onConfirm();
        }}
      >
        <label className="field">
          <span>
            Type the {what} <code>{name}</code> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" aria-label={`Type ${name} to confirm`} />
        </label>
        <div className="actions">
          <button type="button" onClick={onClose} data-close>
            Cancel
          </button>
          <button type="submit" className="danger primary" disabled={!ok || busy}>
            {busy ? 'Working…' : action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
