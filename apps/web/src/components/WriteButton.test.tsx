// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { WriteButton, ReadOnlyNotice, WriteFieldset } from './WriteButton';
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

describe('WriteFieldset', () => {
  const form = (lockedReason?: string) => (
    <WriteFieldset lockedReason={lockedReason}>
      <input aria-label="Name" />
      <select aria-label="Kind">
        <option>a</option>
      </select>
      <WriteButton>Add</WriteButton>
    </WriteFieldset>
  );
  const isDisabled = (name: string) => (screen.getByLabelText(name) as HTMLInputElement).matches(':disabled');

  it('disables every field inside for a viewer, the reason as its tooltip', () => {
    withSession('viewer', form());
    expect(isDisabled('Name')).toBe(true);
    expect(isDisabled('Kind')).toBe(true);
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('group').getAttribute('title')).toBe(VIEWER_REASON);
  });
  it('leaves an admin the fields, unless locked, and then says why on the fields and the buttons', () => {
    withSession('admin', form());
    expect(isDisabled('Name')).toBe(false);
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(false);
    cleanup();
    withSession('admin', form('No config file'));
    expect(isDisabled('Name')).toBe(true);
    expect(screen.getByRole('group').getAttribute('title')).toBe('No config file');
    expect(screen.getByRole('button', { name: 'Add' }).getAttribute('data-disabled-reason')).toBe('No config file');
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
