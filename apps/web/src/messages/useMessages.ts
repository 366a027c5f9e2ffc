/*
 * Message tools data hooks: publish and request (mutations), the tail (a POST answered with an
 * event stream, read with fetch so that its errors keep their status and reason), and the subject
 * explorer (polled every 2 s; per-account rates are counter differences between two answers).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  PublishResponseSchema,
  RequestResponseSchema,
  SubjectsResponseSchema,
  TailEndSchema,
  TailMessageSchema,
  TailStatsSchema,
  type PublishRequest,
  type RequestRequest,
  type SubjectsResponse,
  type TailMessage,
  type TailRequest,
  type TailStats,
} from '@switchboard/shared';
import { ApiError, getJson, request, withQuery } from '../api/client';
import { readSse } from './sse';

export function usePublishMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: PublishRequest) => (await request('/api/messages/publish', { method: 'POST', body, schema: PublishResponseSchema })).data,
    onSettled: () => qc.invalidateQueries({ queryKey: ['audit'] }),
  });
}

export function useRequestMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: RequestRequest) => (await request('/api/messages/request', { method: 'POST', body, schema: RequestResponseSchema })).data,
    onSettled: () => qc.invalidateQueries({ queryKey: ['audit'] }),
  });
}

export const SUBJECTS_POLL_MS = 2_000;

export function useSubjectsQuery(q: { account?: string; q?: string }) {
  return useQuery({
    queryKey: ['messages', 'subjects', q.account ?? '', q.q ?? ''],
    queryFn: (): Promise<SubjectsResponse> => getJson(withQuery('/api/messages/subjects', { account: q.account, q: q.q }), SubjectsResponseSchema),
    placeholderData: keepPreviousData,
    refetchInterval: SUBJECTS_POLL_MS,
  });
}

/** The account names the tools offer (every account of the server), sorted. */
export function useAccountNames(): { names: string[]; isPending: boolean; error: unknown } {
  const q = useSubjectsQuery({});
  return { names: q.data?.accounts.map((a) => a.name) ?? [], isPending: q.isPending, error: q.error };
}

export interface AccountRate {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

/**
 * Messages and bytes per second of each account between two explorer answers (`prev` older).
 * A counter that went down (a restart) counts from zero; no previous answer → no rate yet.
 */
export function accountRates(prev: SubjectsResponse | undefined, cur: SubjectsResponse): Map<string, AccountRate> {
  const out = new Map<string, AccountRate>();
  if (!prev || cur.now <= prev.now) return out;
  const dt = (cur.now - prev.now) / 1000;
  const before = new Map(prev.accounts.map((a) => [a.name, a]));
  const d = (c: number, p: number) => (c >= p ? c - p : c) / dt;
  for (const a of cur.accounts) {
    const p = before.get(a.name);
    if (!p) continue;
    out.set(a.name, { inMsgs: d(a.inMsgs, p.inMsgs), outMsgs: d(a.outMsgs, p.outMsgs), inBytes: d(a.inBytes, p.inBytes), outBytes: d(a.outBytes, p.outBytes) });
  }
  return out;
}

/** Keeps the previous answer of a polled query next to the current one (for rates). */
export function usePrevious<T>(value: T | undefined): T | undefined {
  const cur = useRef<T | undefined>(undefined);
  const prev = useRef<T | undefined>(undefined);
  if (value !== cur.current) {
    prev.current = cur.current;
    cur.current = value;
  }
  return prev.current;
}

export type TailState = { phase: 'idle' } | { phase: 'starting' } | { phase: 'running' } | { phase: 'ended'; reason: string } | { phase: 'error'; error: unknown };

/** Messages kept in the browser (newest first). */
export const TAIL_KEEP = 500;

/**
 * A tail: start() opens it (stopping one already running), stop() ends it; leaving the page ends
 * it too (the request is aborted and the server drops the subscription).
 */
export function useTail() {
  const [state, setState] = useState<TailState>({ phase: 'idle' });
  const [messages, setMessages] = useState<TailMessage[]>([]);
  const [stats, setStats] = useState<TailStats | null>(null);
  const [target, setTarget] = useState<TailRequest | null>(null);
  const abort = useRef<AbortController | null>(null);

  const stop = useCallback(() => {
    abort.current?.abort();
    abort.current = null;
    setState((s) => (s.phase === 'running' || s.phase === 'starting' ? { phase: 'ended', reason: 'stopped' } : s));
  }, []);

  const start = useCallback(async (req: TailRequest) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setTarget(req);
    setMessages([]);
    setStats(null);
    setState({ phase: 'starting' });
    try {
      const res = await fetch('/api/messages/tail', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(req),
        credentials: 'same-origin',
        signal: ctl.signal,
      });
      if (!res.ok || !res.body) throw await errorOf(res);
      setState({ phase: 'running' });
      let ended: string | null = null;
      await readSse(
        res.body,
        (e) => {
          let data: unknown;
          try {
            data = JSON.parse(e.data);
          } catch {
            return;
          }
          if (e.type === 'msg') {
            const m = TailMessageSchema.safeParse(data);
            if (m.success) setMessages((old) => [m.data, ...old].slice(0, TAIL_KEEP));
          } else if (e.type === 'tail-stats') {
            const s = TailStatsSchema.safeParse(data);
            if (s.success) setStats(s.data);
          } else if (e.type === 'tail-end') {
            const r = TailEndSchema.safeParse(data);
            ended = r.success ? r.data.reason : 'ended by the server';
          }
        },
        ctl.signal,
      );
      if (abort.current === ctl) setState({ phase: 'ended', reason: ended ?? 'the server closed the stream' });
    } catch (e) {
      if (ctl.signal.aborted) return;
      setState({ phase: 'error', error: e });
    } finally {
      if (abort.current === ctl) abort.current = null;
    }
  }, []);

  // Leaving the page ends the tail.
  useEffect(() => () => abort.current?.abort(), []);

  return { state, messages, stats, target, start, stop, clear: () => setMessages([]) };
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
  const message = typeof body.message === 'string' ? body.message : `${res.status} ${res.statusText || 'error'}`;
  return new ApiError(res.status, code, message, body);
}
