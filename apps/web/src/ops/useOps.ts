/** Operations data hooks: reload from disk, lame duck mode and its progress. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LameDuckResponseSchema, LameDuckStateSchema, ReloadResponseSchema, type LameDuckState, type ReloadResponse } from '@switchboard/shared';
import { ApiError, request } from '../api/client';
import { invalidateConfig } from '../config/useConfig';
import { useEvents } from '../lib/events';

export function useReloadMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<ReloadResponse> => {
      try {
        return (await request('/api/ops/reload', { method: 'POST', body: {}, schema: ReloadResponseSchema })).data;
      } catch (e) {
        // A refused reload answers 422 with the reload's result: its errors (file:line:col) are the point.
        const refused = e instanceof ApiError && e.status === 422 ? ReloadResponseSchema.safeParse(e.details) : null;
        if (refused?.success) return refused.data;
        throw e;
      }
    },
    onSettled: () => invalidateConfig(qc),
  });
}

const ldmKey = ['ops', 'lame-duck'] as const;

/** The lame duck state: fetched, then kept current by `lame-duck` events (and polled as a fallback). */
export function useLameDuckQuery() {
  const qc = useQueryClient();
  useEvents(['lame-duck'], (d) => {
    const r = LameDuckStateSchema.safeParse(d);
    if (r.success) qc.setQueryData<LameDuckState | null>(ldmKey, r.data);
  });
  return useQuery({
    queryKey: ldmKey,
    queryFn: async (): Promise<LameDuckState | null> => (await request('/api/ops/lame-duck', { schema: LameDuckResponseSchema })).data.state,
    refetchInterval: (q) => (q.state.data?.active ? 1_000 : 10_000),
    retry: false,
  });
}

export function useLameDuckMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { server: string }): Promise<LameDuckState | null> =>
      (await request('/api/ops/lame-duck', { method: 'POST', body: { confirm: v.server }, schema: LameDuckResponseSchema })).data.state,
    onSuccess: (s) => qc.setQueryData(ldmKey, s),
    onSettled: async () => {
      await qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

/** Percent of the clients closed so far. */
export function lameDuckPercent(s: LameDuckState | null | undefined): number {
  if (!s) return 0;
  if (s.phase === 'done') return 100;
  if (s.total <= 0) return s.active ? 0 : 100;
  return Math.round(((s.total - s.remaining) / s.total) * 100);
}
