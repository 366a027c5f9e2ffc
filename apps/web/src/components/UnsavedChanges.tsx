import { useCallback, useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';
import { Dialog } from './Dialog';

/**
 * Guards a form with unsaved changes: leaving for another page of the console asks first (an
 * in-app dialog), and closing or reloading the tab gets the browser's own "leave site?" prompt.
 * Render `prompt`; call `allowLeave()` right before a navigation that follows a successful save.
 */
export function useUnsavedChanges(dirty: boolean, what = 'this form') {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const allowed = useRef(false);
  // Read at navigation time through refs: the latest state decides, not the last render's.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirtyRef.current && !allowed.current && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (allowed.current) return;
      e.preventDefault();
      // Older browsers need returnValue set to show the prompt.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  const blockerRef = useRef(blocker);
  blockerRef.current = blocker;
  const stay = useCallback(() => blockerRef.current.reset?.(), []);
  const leave = useCallback(() => blockerRef.current.proceed?.(), []);
  const allowLeave = useCallback(() => {
    allowed.current = true;
  }, []);

  const prompt =
    blocker.state === 'blocked' ? (
      <Dialog title="Leave without saving?" onClose={stay}>
        <p>You have changes in {what} that are not saved. If you leave now, they are lost.</p>
        <div className="actions">
          <button type="button" className="primary" onClick={stay}>
            Stay and keep editing
          </button>
          <button type="button" className="danger" onClick={leave} data-close>
            Leave and discard changes
          </button>
        </div>
      </Dialog>
    ) : null;
  return { prompt, allowLeave };
}
