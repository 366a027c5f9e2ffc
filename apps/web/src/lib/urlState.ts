/*
 * Page state kept in the URL's query string (chart window, filters, page), so that a reload or a
 * shared link shows the same view. Defaults are left out of the URL.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

export type Patch = Record<string, string | number | boolean | undefined | null>;

/**
 * The query string after `patch`: empty, null, undefined, false and default values remove
 * their key. Unrelated keys are kept.
 */
export function patchSearch(params: URLSearchParams, patch: Patch, defaults: Record<string, string> = {}): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(patch)) {
    const s = v === undefined || v === null || v === false ? '' : String(v);
    if (s === '' || defaults[k] === s) next.delete(k);
    else next.set(k, s);
  }
  return next;
}

/** One of `allowed` from the query string, else the default. */
export function pickParam<T extends string>(params: URLSearchParams, key: string, allowed: readonly T[], fallback: T): T {
  const v = params.get(key);
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** A non-negative integer from the query string, else 0. */
export function intParam(params: URLSearchParams, key: string): number {
  const n = Number(params.get(key));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The query string and a setter that patches it. Typing into a filter replaces the history
 * entry (no entry per keystroke); `push` adds one (e.g. changing page).
 *
 * A data router commits a navigation a little later (in a transition), so the requested query
 * is shown at once from local state until the router's location catches up: controls bound to
 * the URL (radios, pressed buttons) never flick back to their old state for a frame.
 */
export function useUrlState(defaults: Record<string, string> = {}) {
  const [routerParams, setParams] = useSearchParams();
  const routerSearch = routerParams.toString();
  const [pending, setPending] = useState<string | null>(null);
  // Any committed navigation (ours, or back/forward) ends the pending state.
  useEffect(() => setPending(null), [routerSearch]);
  const params = useMemo(() => new URLSearchParams(pending ?? routerSearch), [pending, routerSearch]);
  // Two patches before a re-render must compose, so the setter reads the latest requested query.
  const latest = useRef(params);
  latest.current = params;
  const key = JSON.stringify(defaults);
  const set = useCallback(
    (patch: Patch, opts: { push?: boolean } = {}) => {
      const next = patchSearch(latest.current, patch, JSON.parse(key) as Record<string, string>);
      latest.current = next;
      setPending(next.toString());
      setParams(next, { replace: !opts.push });
    },
    [setParams, key],
  );
  return [params, set] as const;
}
