/*
 * The cluster's charts summed: the STATSZ history of every server, added point by point. Points
 * are aligned to the window's steps (shared `addSample`), so equal `t` means the same step. The
 * sum stops at the earliest latest step of the servers, so the newest point never dips because one
 * server's sample for it has not arrived yet. Rates, counts, memory and CPU are all summed (CPU as
 * the sum of the servers' percentages).
 */
import { useQueries } from '@tanstack/react-query';
import { StatsResponseSchema, type StatsPoint } from '@switchboard/shared';
import { getJson, withQuery } from '../api/client';
import type { WindowId } from '../overview/stats';

const FIELDS = ['connections', 'totalConnections', 'subscriptions', 'slowConsumers', 'inMsgs', 'outMsgs', 'inBytes', 'outBytes', 'mem', 'cpu', 'inMsgsRate', 'outMsgsRate', 'inBytesRate', 'outBytesRate'] as const;

export function sumPoints(series: readonly (readonly StatsPoint[])[]): StatsPoint[] {
  const nonEmpty = series.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return [];
  const until = Math.min(...nonEmpty.map((s) => s.at(-1)!.t));
  const byT = new Map<number, StatsPoint>();
  for (const s of nonEmpty) {
    for (const p of s) {
      if (p.t > until) continue;
      const acc = byT.get(p.t);
      if (!acc) {
        // A first point's step base is its server's own; the sum has its rates already.
        const { at: _at, base: _base, ...sum } = p;
        byT.set(p.t, sum);
        continue;
      }
      for (const f of FIELDS) acc[f] = (acc[f] ?? 0) + (p[f] ?? 0);
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** Every listed server's history over `window` (the same query keys the per-server charts use, so live `stats` events extend them). */
export function useSummedStats(servers: readonly string[], window: WindowId, enabled: boolean) {
  const results = useQueries({
    queries: servers.map((server) => ({
      queryKey: ['stats', server, window],
      enabled,
      queryFn: () => getJson(withQuery('/api/stats', { server, window }), StatsResponseSchema),
      staleTime: Infinity,
      refetchInterval: window === '24h' ? 5 * 60_000 : window === '1h' ? 60_000 : (false as const),
    })),
  });
  const pending = results.some((r) => r.isPending);
  const error = results.find((r) => r.error)?.error ?? null;
  const points = pending ? [] : sumPoints(results.map((r) => r.data?.points ?? []));
  return { pending, error, points, refetch: () => results.forEach((r) => void r.refetch()) };
}
