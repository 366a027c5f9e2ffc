// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { WriteButton, ReadOnlyNotice } from './WriteButton';
import { sessionKey, VIEWER_REASON } from '../auth/useSession';
import { ConflictNotice } from '../config/ReviewDialog';
import { ApiError } from '../api/client';

afterEach(cleanup);

function withSession(role: 'admin' | 'viewer', node: ReactNode) {
  const qc = new QueryClient();
  qc.setQueryData(sessionKey, { user: role, role, expiresAt: '', canWrite: role === 'admin' });
  return render(<QueryClientProvider client={qc}>{node}</QueryClientProvider>);
}

describe('WriteButton', () => {
  it('is disabled for a viewer, with the reason as tooltip and notice', () => {
    withSession('viewer', (
      <>
        <ReadOnlyNotice />
        <WriteButton>Save</WriteButton>
      </>
    ));
    const b = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(b.disabled).toBe(true);
    expect(b.parentElement?.getAttribute('title')).toBe(VIEWER_REASON);
    expect(screen.getByRole('note').textContent).toBe(VIEWER_REASON);
  });
  it('is enabled for an admin, and shows its own reason when disabled', () => {
    withSession('admin', (
      <>
        <ReadOnlyNotice />
        <WriteButton>Save</WriteButton>
        <WriteButton disabled disabledReason="Nothing changed">Apply</WriteButton>
      </>
    ));
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.getByRole('button', { name: 'Apply' }).parentElement?.getAttribute('title')).toBe('Nothing changed');
  });
});

describe('ConflictNotice', () => {
  it('says nothing was overwritten and names the current revision', () => {
    render(<ConflictNotice error={new ApiError(409, 'REVISION_CONFLICT', 'The configuration changed since you loaded it', { revision: 'r9' })} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('It is now at revision r9');
    expect(alert.textContent).toContain('nobody’s change was overwritten');
  });
});
