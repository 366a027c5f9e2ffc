/*
 * Overview data hooks: the local /varz and /healthz, the servers the system account hears
 * (/api/servers with the latest STATSZ of each, kept live by `statsz` events from /api/events),
 * and the STATSZ history of a window (/api/stats) kept live by the same events.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { HealthStatusSchema, ServerListSchema, ServerStatsMsgSchema, STATS_WINDOWS, StatsResponseSchema, VarzSchema, type StatsResponse } from '@switchboard/shared';
import { ApiError, getJson, withQuery } from '../api/client';
import { useEvents } from '../lib/events';
import { mergeServers, type HeardStatsz } from './servers';
import { appendStatsz, type WindowId } from './stats';

export function useVarzQuery() {
  return useQuery({ queryKey: ['varz'], queryFn: () => getJson('/varz', VarzSchema), refetchInterval: 5_000 });
}

export function useHealthzQuery() {
  return useQuery({
    queryKey: ['healthz'],
    queryFn: async () => {
      try {
        return await getJson('/healthz', HealthStatusSchema);
      } catch (e) {
        // A 503 carries the verdict in its body.
        if (e instanceof ApiError && e.status === 503) return { status: 'unavailable' as const, error: e.message };
        throw e;
      }
    },
    refetchInterval: 5_000,
  });
}

const heardKey = ['statsz', 'latest'] as const;

/** Keeps the latest STATSZ of every server from the event stream in the query cache. */
export function useStatszEvents(): void {
  const qc = useQueryClient();
  useEvents(['statsz'], (d, _t, time) => {
    const r = ServerStatsMsgSchema.safeParse(d);
    if (!r.success) return;
    const msg = r.data;
    qc.setQueryData<HeardStatsz>(heardKey, (old = {}) => ({ ...old, [msg.server.id]: { msg, time } }));
    for (const w of Object.keys(STATS_WINDOWS) as WindowId[]) {
      qc.setQueryData<StatsResponse>(['stats', msg.server.id, w], (old) =>
        old ? { ...old, points: appendStatsz(old.points, msg, time, old.stepMs, STATS_WINDOWS[w].spanMs) } : old,
      );
    }
  });
}

/** The STATSZ history of one server (by id) over a window; live through useStatszEvents. */
export function useStatsQuery(server: string | undefined, window: WindowId) {
  return useQuery({
    queryKey: ['stats', server ?? '', window],
    enabled: !!server,
    queryFn: () => getJson(withQuery('/api/stats', { server, window }), StatsResponseSchema),
    staleTime: Infinity,
    // The 24 h window moves in 5 min steps: refetch now and then rather than trusting live points only.
    refetchInterval: window === '24h' ? 5 * 60_000 : window === '1h' ? 60_000 : false,
  });
}

/** Every server the console's sampler heard, with its latest STATSZ (GET /api/servers). */
export function useServersQuery() {
  return useQuery({ queryKey: ['servers'], queryFn: () => getJson('/api/servers', ServerListSchema), refetchInterval: 5_000 });
}

/** Every server heard, with its latest STATSZ: /api/servers merged with the live `statsz` events. */
export function useServers(localId: string | undefined) {
  const listed = useServersQuery();
  const heard = useQuery({ queryKey: heardKey, queryFn: (): HeardStatsz => ({}), staleTime: Infinity });
  return { query: listed, servers: mergeServers(listed.data?.servers, heard.data, localId) };
}
