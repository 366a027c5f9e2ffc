/*
 * Connections data hooks over nats-server's /connz: sorting, filtering and paging happen on the
 * server (the query options are the URL), so a big server is not enriched row by row here.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ConnzSchema, type Connz } from '@switchboard/shared';
import { getJson, withQuery } from '../api/client';

export interface ConnzQuery {
  sort: string;
  offset: number;
  limit: number;
  state: 'open' | 'closed' | 'any';
  acc?: string;
  user?: string;
  /** Only with acc (nats-server's rule). */
  filterSubject?: string;
}

export function connzUrl(q: ConnzQuery): string {
  // The console's /api/connz: /connz plus a subject filter nats-server's endpoint ignores.
  return withQuery('/api/connz', {
    sort: q.sort,
    offset: q.offset,
    limit: q.limit,
    state: q.state === 'open' ? undefined : q.state,
    auth: true,
    acc: q.acc,
    user: q.user,
    filter_subject: q.acc ? q.filterSubject : undefined,
  });
}

export function useConnzQuery(q: ConnzQuery, live = true) {
  return useQuery({
    queryKey: ['connz', q],
    queryFn: (): Promise<Connz> => getJson(connzUrl(q), ConnzSchema),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 5_000 : false,
  });
}

export function useConnectionQuery(cid: number | undefined) {
  return useQuery({
    queryKey: ['connz', 'cid', cid],
    enabled: cid !== undefined,
    queryFn: async () => {
      const r = await getJson(withQuery('/connz', { cid, subs: 'detail', auth: true, state: 'any' }), ConnzSchema);
      return r.connections[0] ?? null;
    },
    refetchInterval: 5_000,
  });
}
