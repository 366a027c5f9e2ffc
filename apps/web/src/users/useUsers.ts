/*
 * Console users data hooks: the console's own sign-in users (admin / viewer), not NATS users.
 * Any signed-in role lists them; only admins add and remove (the server enforces it, the page
 * shows the buttons disabled with the reason). Removing a user ends that user's sessions.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ConsoleUserListSchema, OkSchema, type ConsoleUser, type CreateConsoleUser, type Issue } from '@switchboard/shared';
import { ApiError, getJson, request } from '../api/client';

export type { ConsoleUser, CreateConsoleUser };

export const consoleUsersKey = ['console-users'] as const;

export function useConsoleUsersQuery() {
  return useQuery({
    queryKey: consoleUsersKey,
    queryFn: async (): Promise<ConsoleUser[]> => (await getJson('/api/users', ConsoleUserListSchema)).users,
  });
}

function invalidateUsers(qc: QueryClient): Promise<unknown> {
  return Promise.all([qc.invalidateQueries({ queryKey: consoleUsersKey }), qc.invalidateQueries({ queryKey: ['audit'] })]);
}

export function useAddConsoleUserMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: CreateConsoleUser): Promise<void> => {
      await request('/api/users', { method: 'POST', body: v, schema: OkSchema });
    },
    onSettled: () => invalidateUsers(qc),
  });
}

export function useRemoveConsoleUserMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { user: string }): Promise<void> => {
      await request(`/api/users/${encodeURIComponent(v.user)}`, { method: 'DELETE', schema: OkSchema });
    },
    onSettled: () => invalidateUsers(qc),
  });
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (unit tested)

export type ConsoleUserField = keyof CreateConsoleUser;
const FIELDS: readonly ConsoleUserField[] = ['user', 'password', 'role'];

/**
 * The errors of a failed "add user" that belong on a form field: the server's issues
 * (`body.password` → password; the first message per field wins) and a name already taken
 * (CONSOLE_USER_EXISTS → user). Anything else is left to the error box.
 */
export function addUserFieldErrors(err: unknown): Partial<Record<ConsoleUserField, string>> {
  const out: Partial<Record<ConsoleUserField, string>> = {};
  if (!(err instanceof ApiError)) return out;
  if (err.code === 'CONSOLE_USER_EXISTS') out.user = 'a console user with this name exists';
  const issues = Array.isArray(err.details.issues) ? (err.details.issues as Issue[]) : [];
  for (const i of issues) {
    if (typeof i?.path !== 'string') continue;
    const field = i.path.replace(/^body\./, '').split('.')[0] as ConsoleUserField;
    if (FIELDS.includes(field) && out[field] === undefined) out[field] = i.message;
  }
  return out;
}

/**
 * Why `target` cannot be removed, or undefined if it can: the server refuses to remove the last
 * admin (LAST_ADMIN), so the button says so before anyone tries.
 */
export function removeBlockedReason(users: readonly ConsoleUser[], target: string): string | undefined {
  const u = users.find((x) => x.user === target);
  if (u?.role === 'admin' && users.filter((x) => x.role === 'admin').length <= 1) return 'The last admin cannot be removed';
  return undefined;
}

export type UserSort = 'user' | 'role' | 'createdAt';

/** Filtered (by name, case-insensitive) and sorted rows; ties break by name. */
export function visibleUsers(users: readonly ConsoleUser[], filter: string, sort: UserSort, desc: boolean): ConsoleUser[] {
  const f = filter.trim().toLowerCase();
  const key = (u: ConsoleUser): string | number => (sort === 'createdAt' ? Date.parse(u.createdAt) || 0 : u[sort]);
  return users
    .filter((u) => !f || u.user.toLowerCase().includes(f))
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (desc ? -c : c) || a.user.localeCompare(b.user);
    });
}
