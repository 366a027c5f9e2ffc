/*
 * Session data hooks: who is signed in and with what role. The server keeps the session in a
 * cookie; a viewer may read everything and write nothing.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { SessionSchema, type Session } from '@switchboard/shared';
import { ApiError, request, setUnauthorizedHandler } from '../api/client';

export type { Session };

export const sessionKey = ['session'] as const;

export function useSessionQuery() {
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => qc.setQueryData(sessionKey, null));
    return () => setUnauthorizedHandler(undefined);
  }, [qc]);
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        return (await request('/api/me', { schema: SessionSchema })).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function useLoginMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { user: string; password: string }) => (await request('/api/login', { method: 'POST', body: v, schema: SessionSchema })).data,
    onSuccess: (s) => {
      // Data fetched for someone else (or nobody) must not show: drop all but the session, whose
      // observers stay attached.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
      qc.setQueryData(sessionKey, s);
    },
  });
}

export function useLogoutMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await request('/api/logout', { method: 'POST' });
    },
    onSettled: () => {
      qc.setQueryData(sessionKey, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
    },
  });
}

export const VIEWER_REASON = 'Read-only: you are signed in as a viewer. Sign in as an admin to make changes.';

/** Whether the signed-in user may change things, and if not, why (shown as the button's tooltip). */
export function useCanWrite(): { canWrite: boolean; reason?: string } {
  const s = useSessionQuery();
  if (s.data?.canWrite ?? s.data?.role === 'admin') return { canWrite: true };
  return { canWrite: false, reason: VIEWER_REASON };
}
