import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { addUserFieldErrors, removeBlockedReason, visibleUsers, type ConsoleUser } from './useUsers';

describe('addUserFieldErrors', () => {
  it("puts the server's issues on their fields, first message per field", () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', 'invalid body.user: letters…', {
      issues: [
        { path: 'body.user', message: 'letters, digits and _ . @ - only (1 to 64)' },
        { path: 'body.password', message: 'at least 8 characters' },
        { path: 'body.password', message: 'second message' },
        { path: 'body.role', message: 'Invalid option' },
        { path: 'query.x', message: 'not a field' },
        { path: '', message: 'whole body' },
      ],
    });
    expect(addUserFieldErrors(err)).toEqual({
      user: 'letters, digits and _ . @ - only (1 to 64)',
      password: 'at least 8 characters',
      role: 'Invalid option',
    });
  });

  it('puts a taken name on the user field, and leaves other errors to the error box', () => {
    expect(addUserFieldErrors(new ApiError(409, 'CONSOLE_USER_EXISTS', 'A console user with this name exists'))).toEqual({ user: 'a console user with this name exists' });
    expect(addUserFieldErrors(new ApiError(403, 'FORBIDDEN', 'Your role does not allow this', { requiredRole: 'admin' }))).toEqual({});
    expect(addUserFieldErrors(new ApiError(400, 'VALIDATION_FAILED', 'x', { issues: 'garbage' }))).toEqual({});
    expect(addUserFieldErrors(new Error('boom'))).toEqual({});
  });
});

const users: ConsoleUser[] = [
  { user: 'admin', role: 'admin', createdAt: '2026-01-02T00:00:00.000Z' },
  { user: 'Carol', role: 'viewer', createdAt: '2026-01-01T00:00:00.000Z' },
  { user: 'bob', role: 'viewer', createdAt: '2026-01-03T00:00:00.000Z' },
];

describe('removeBlockedReason', () => {
  it('blocks removing the last admin only', () => {
    expect(removeBlockedReason(users, 'admin')).toMatch(/last admin/);
    expect(removeBlockedReason(users, 'bob')).toBeUndefined();
    expect(removeBlockedReason([...users, { user: 'root', role: 'admin', createdAt: '' }], 'admin')).toBeUndefined();
  });
});

describe('visibleUsers', () => {
  it('filters by name case-insensitively and sorts by the chosen column, ties by name', () => {
    expect(visibleUsers(users, ' CAR', 'user', false).map((u) => u.user)).toEqual(['Carol']);
    expect(visibleUsers(users, '', 'createdAt', true).map((u) => u.user)).toEqual(['bob', 'admin', 'Carol']);
    expect(visibleUsers(users, '', 'role', false).map((u) => u.user)).toEqual(['admin', 'bob', 'Carol']);
    expect(visibleUsers(users, '', 'role', true).map((u) => u.user)).toEqual(['bob', 'Carol', 'admin']);
  });
});
