/*
 * Configuration data hooks (contracts in @switchboard/shared api.ts): the current config and its
 * revision, previews (typed diff with hot / needs-restart per change and the server's issues),
 * applying with If-Match (a stale revision gets 409 REVISION_CONFLICT and is shown, never
 * overwritten), revisions, server-side diffs and rollback.
 */
import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  ApplyResponseSchema,
  ConfigResponseSchema,
  PreviewResponseSchema,
  RevisionDiffSchema,
  RevisionListSchema,
  RevisionSchema,
  type ApplyResponse,
  type ConfigChange,
  type OptionsInput,
  type PreviewResponse,
} from '@switchboard/shared';
import { request, withQuery } from '../api/client';
import type { Change } from './diff';

export interface ConfigState {
  revision: string;
  options: OptionsInput;
  text?: string;
  configFile?: string;
  editable: boolean;
  /** The revision the server runs (differs from `revision` while changes wait for a restart). */
  running?: string | null;
  /** Changes in the file the running server has not applied. */
  pending?: ConfigChange[];
}

export const configKeys = {
  current: ['config'] as const,
  revisions: ['config', 'revisions'] as const,
  revision: (id: string) => ['config', 'revision', id] as const,
  diff: (from: string, to: string) => ['config', 'diff', from, to] as const,
};

/** Every query that shows the config or depends on it; invalidated after any config write. */
export async function invalidateConfig(qc: QueryClient): Promise<void> {
  await Promise.all([['config'], ['accounts'], ['accountz'], ['gatewayz'], ['varz'], ['audit']].map((k) => qc.invalidateQueries({ queryKey: k })));
}

export function ifMatch(revision: string): Record<string, string> {
  return { 'if-match': `"${revision}"` };
}

/** A server change (api.ts ConfigChange) as the console's Change. */
export function fromApiChange(c: ConfigChange): Change {
  const out: Change = { path: c.path, kind: c.kind, effect: c.hot ? 'hot' : 'restart' };
  if (c.old !== undefined) out.before = c.old;
  if (c.new !== undefined) out.after = c.new;
  if (c.reason) out.reason = c.reason;
  return out;
}

export function useConfigQuery() {
  return useQuery({
    queryKey: configKeys.current,
    queryFn: async (): Promise<ConfigState> => {
      const r = await request('/api/config', { schema: ConfigResponseSchema });
      const d = r.data;
      return { revision: d.revision, options: d.options as OptionsInput, text: d.text, configFile: d.configFile, editable: d.editable, running: d.running, pending: d.pending };
    },
  });
}

/**
 * The configuration an edit starts from. It is fixed once loaded (after any refetch on opening
 * has finished, so the form starts from the latest): a refetch meanwhile does not move it, since
 * a stale edit must end in a conflict, shown, never in a silent overwrite. `reload()` moves it to
 * the server's latest (after "load the latest configuration", or after one's own save).
 */
export function usePinnedConfig() {
  const query = useConfigQuery();
  const [base, setBase] = useState<ConfigState>();
  useEffect(() => {
    if (!base && query.data && !query.isFetching) setBase(query.data);
  }, [base, query.data, query.isFetching]);
  const { refetch } = query;
  const reload = useCallback(async (): Promise<ConfigState | undefined> => {
    const r = await refetch();
    if (r.data) setBase(r.data);
    return r.data;
  }, [refetch]);
  return { query, base, reload };
}

/** Why the config cannot be edited, if it cannot. */
export function notEditableReason(c: ConfigState | undefined): string | undefined {
  if (!c) return 'Loading the configuration…';
  if (!c.editable) return 'The server runs without a config file (-c): the configuration cannot be edited from the console.';
  return undefined;
}

export function usePreviewQuery(after: OptionsInput | undefined, enabled = true) {
  return useQuery({
    queryKey: ['config', 'preview', after],
    enabled: enabled && !!after,
    retry: false,
    staleTime: 0,
    gcTime: 0,
    queryFn: async (): Promise<PreviewResponse> => (await request('/api/config/preview', { method: 'POST', body: { options: after }, schema: PreviewResponseSchema })).data,
  });
}

export function useApplyConfigMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { options: OptionsInput; revision: string; comment?: string }): Promise<ApplyResponse> =>
      (await request('/api/config', { method: 'PUT', body: { options: v.options, comment: v.comment }, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}

export function useRevisionsQuery() {
  return useQuery({
    queryKey: configKeys.revisions,
    queryFn: async () => (await request(withQuery('/api/config/revisions', { limit: 200 }), { schema: RevisionListSchema })).data,
  });
}

export function useRevisionQuery(id: string | undefined) {
  return useQuery({
    queryKey: configKeys.revision(id ?? ''),
    enabled: !!id,
    queryFn: async () => (await request(`/api/config/revisions/${encodeURIComponent(id!)}`, { schema: RevisionSchema })).data,
    staleTime: Infinity,
  });
}

export function useRevisionDiffQuery(from: string | undefined, to: string | undefined) {
  return useQuery({
    queryKey: configKeys.diff(from ?? '', to ?? ''),
    enabled: !!from && !!to,
    queryFn: async () => (await request(withQuery('/api/config/diff', { from, to }), { schema: RevisionDiffSchema })).data,
    staleTime: Infinity,
  });
}

export function useRollbackMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { to: string; revision: string }): Promise<ApplyResponse> =>
      (await request('/api/config/rollback', { method: 'POST', body: { revision: v.to, comment: `rollback to ${v.to}` }, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}
