/*
 * Overview data hooks: the local /varz and /healthz, the servers the system account hears (the
 * /api/stats server list plus the latest STATSZ of each from /api/events), and the STATSZ history
 * of a window (/api/stats) kept live by `statsz` events.
 */
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { HealthStatusSchema, ServerStatsMsgSchema, STATS_WINDOWS, StatsResponseSchema, VarzSchema, type ServerStatsMsg, type StatsResponse } from '@switchboard/shared';
import { ApiError, getJson, withQuery } from '../api/client';
import { useEvents } from '../lib/events';
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

export interface HeardServer {
  id: string;
  name: string;
  /** ms since epoch. */
  lastSeen: number;
  /** The latest full STATSZ heard since the page opened. */
  msg?: ServerStatsMsg;
}

const heardKey = ['statsz', 'latest'] as const;

/** Keeps the latest STATSZ of every server from the event stream in the query cache. */
export function useStatszEvents(): void {
  const qc = useQueryClient();
  useEvents(['statsz'], (d, _t, time) => {
    const r = ServerStatsMsgSchema.safeParse(d);
    if (!r.success) return;
    const msg = r.data;
    qc.setQueryData<Record<string, { msg: ServerStatsMsg; time: number }>>(heardKey, (old = {}) => ({ ...old, [msg.server.id]: { msg, time } }));
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

/** Every server with recorded samples, with its latest numbers. */
export function useServers(list: StatsResponse['servers'] | undefined) {
  const heard = useQuery({ queryKey: heardKey, queryFn: () => ({}) as Record<string, { msg: ServerStatsMsg; time: number }>, staleTime: Infinity });
  const lasts = useQueries({
    queries: (list ?? []).map((s) => ({
      queryKey: ['stats', s.id, '5m'],
      queryFn: () => getJson(withQuery('/api/stats', { server: s.id, window: '5m' }), StatsResponseSchema),
      staleTime: Infinity,
    })),
  });
  const servers: (HeardServer & { last?: StatsResponse['points'][number] })[] = (list ?? []).map((s, i) => {
    const h = heard.data?.[s.id];
    const seen = Math.max(Date.parse(s.lastSeen) || 0, h?.time ?? 0);
    return { id: s.id, name: s.name, lastSeen: seen, msg: h?.msg, last: lasts[i]?.data?.points.at(-1) };
  });
  return servers;
}
