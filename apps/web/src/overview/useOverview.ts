/*
 * Overview data hooks: the local /varz and /healthz, the servers the system account hears
 * (/api/servers with the latest STATSZ of each, kept live by `stats` events from /api/events: the
 * console's sample of every server, every second), and the history of a window (/api/stats) kept
 * live by the same events.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { HealthStatusSchema, ServerListSchema, STATS_WINDOWS, StatsLiveEventSchema, StatsResponseSchema, VarzSchema, type StatsResponse } from '@switchboard/shared';
import { ApiError, getJson, withQuery } from '../api/client';
import { useEvents } from '../lib/events';
import { mergeServers, type HeardStats } from './servers';
import { addSample, type WindowId } from './stats';

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

const heardKey = ['stats', 'latest'] as const;

/** Keeps the latest sample of every server, and every open chart window, current from `stats` events. */
export function useStatsEvents(): void {
  const qc = useQueryClient();
  useEvents(['stats'], (d) => {
    const r = StatsLiveEventSchema.safeParse(d);
    if (!r.success) return;
    const e = r.data;
    qc.setQueryData<HeardStats>(heardKey, (old = {}) => ({ ...old, [e.server]: { serverId: e.serverId, name: e.name, local: e.local, time: e.time, statsz: e.statsz } }));
    for (const w of Object.keys(STATS_WINDOWS) as WindowId[]) {
      qc.setQueryData<StatsResponse>(['stats', e.server, w], (old) => (old ? { ...old, points: addSample(old.points, w, e.sample, e.time) } : old));
    }
  });
}

/** The history of one server (by history key) over a window; live through useStatsEvents. */
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

/** Every server heard, with its latest STATSZ: /api/servers merged with the live `stats` events. */
export function useServers() {
  const listed = useServersQuery();
  const heard = useQuery({ queryKey: heardKey, queryFn: (): HeardStats => ({}), staleTime: Infinity });
  return { query: listed, servers: mergeServers(listed.data?.servers, heard.data) };
}
