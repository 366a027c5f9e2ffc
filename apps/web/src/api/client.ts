/*
 * The one HTTP helper of the console: JSON in and out, credentials by cookie, errors turned into
 * ApiError with the server's stable code and message so that every caller can say what failed.
 */
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the request never reached the server. */
    readonly status: number,
    /** The server's stable error code (e.g. `CONFIG_CONFLICT`), or `HTTP_<status>`. */
    readonly code: string,
    message: string,
    /** Extra fields of the error body (field issues, current revision…). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}

/** Prefixes an error with what the user was doing: "Failed to save account: …". */
export function describeError(action: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `Failed to ${action}: ${msg}`;
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates (and types) the response body. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

let onUnauthorized: (() => void) | undefined;
/** Called when any request answers 401 (the session ended): the app shows the login page. */
export function setUnauthorizedHandler(fn: (() => void) | undefined): void {
  onUnauthorized = fn;
}

function errorFromBody(status: number, body: unknown, fallback: string): ApiError {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const inner = (b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : b) as Record<string, unknown>;
    const code = typeof inner.code === 'string' ? inner.code : typeof b.code === 'string' ? b.code : `HTTP_${status}`;
    const message =
      (typeof inner.message === 'string' && inner.message) ||
      (typeof inner.description === 'string' && inner.description) ||
      (typeof b.message === 'string' && b.message) ||
      (typeof b.error === 'string' && b.error) ||
      fallback;
    return new ApiError(status, code, message, inner);
  }
  if (typeof body === 'string' && body.trim()) return new ApiError(status, `HTTP_${status}`, body.trim());
  return new ApiError(status, `HTTP_${status}`, fallback);
}

export async function request<T = unknown>(path: string, opts: RequestOptions<T> = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? 'GET', headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `cannot reach the server (${(e as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && onUnauthorized && !path.endsWith('/login')) onUnauthorized();
    throw errorFromBody(res.status, parsed, `${res.status} ${res.statusText || 'error'}`);
  }
  if (text === '') parsed = undefined;
  let data = parsed as T;
  if (opts.schema) {
    const r = opts.schema.safeParse(parsed);
    if (!r.success) {
      const first = r.error.issues[0];
      throw new ApiError(res.status, 'BAD_RESPONSE', `unexpected response from ${path}: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}`);
    }
    data = r.data;
  }
  return { data, headers: res.headers, status: res.status };
}

export async function getJson<T = unknown>(path: string, schema?: z.ZodType<T>): Promise<T> {
  return (await request<T>(path, { schema })).data;
}

/** Builds `path?k=v&…`, leaving out undefined, empty and false values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '' || v === false) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/** TanStack Query retry policy: retry server errors and network failures (3 times), never 4xx. */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (failureCount >= 3) return false;
  if (err instanceof ApiError) return err.status === 0 || err.status >= 500;
  return false;
}
