/*
 * Page state kept in the URL's query string (chart window, filters, page), so that a reload or a
 * shared link shows the same view. Defaults are left out of the URL.
 */
import { useCallback } from 'react';
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
 */
export function useUrlState(defaults: Record<string, string> = {}) {
  const [params, setParams] = useSearchParams();
  const key = JSON.stringify(defaults);
  const set = useCallback(
    // flushSync: a data router commits navigations in a transition; controls bound to the URL
    // (radios, pressed buttons) must show their new state at once, not a frame later.
    (patch: Patch, opts: { push?: boolean } = {}) => setParams((old) => patchSearch(old, patch, JSON.parse(key) as Record<string, string>), { replace: !opts.push, flushSync: true }),
    [setParams, key],
  );
  return [params, set] as const;
}
