import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, describeError, request, shouldRetry, withQuery } from './client';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown, contentType = 'application/json') {
  const fn = vi.fn(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': contentType } }));
  vi.stubGlobal('fetch', fn);
  return fn;
}

describe('request', () => {
  it('returns parsed JSON', async () => {
    stubFetch(200, { a: 1 });
    expect((await request('/x')).data).toEqual({ a: 1 });
  });
  it('turns an error body into ApiError with code and message', async () => {
    stubFetch(409, { error: { code: 'CONFIG_CONFLICT', message: 'revision 3 is stale', current: 4 } });
    const err = await request('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code, e.message, e.isConflict]).toEqual([409, 'CONFIG_CONFLICT', 'revision 3 is stale', true]);
    expect(e.details.current).toBe(4);
  });
  it('accepts flat error bodies and text', async () => {
    stubFetch(400, { code: 'BAD', message: 'nope' });
    await expect(request('/x')).rejects.toMatchObject({ code: 'BAD', message: 'nope' });
    stubFetch(400, 'Error decoding int', 'text/plain');
    await expect(request('/x')).rejects.toMatchObject({ code: 'HTTP_400', message: 'Error decoding int' });
  });
  it('sends JSON bodies', async () => {
    const f = stubFetch(200, {});
    await request('/x', { method: 'POST', body: { a: 1 }, headers: { 'if-match': '"3"' } });
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)['if-match']).toBe('"3"');
  });
});

describe('helpers', () => {
  it('retries only server errors', () => {
    expect(shouldRetry(0, new ApiError(503, 'x', 'x'))).toBe(true);
    expect(shouldRetry(0, new ApiError(0, 'NETWORK', 'x'))).toBe(true);
    expect(shouldRetry(0, new ApiError(404, 'x', 'x'))).toBe(false);
    expect(shouldRetry(0, new ApiError(409, 'x', 'x'))).toBe(false);
    expect(shouldRetry(3, new ApiError(500, 'x', 'x'))).toBe(false);
  });
  it('describes errors and builds queries', () => {
    expect(describeError('save account', new Error('boom'))).toBe('Failed to save account: boom');
    expect(withQuery('/connz', { sort: 'cid', offset: 0, auth: true, acc: '', subs: false })).toBe('/connz?sort=cid&offset=0&auth=true');
  });
});
