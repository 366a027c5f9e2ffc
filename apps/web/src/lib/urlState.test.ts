import { describe, expect, it } from 'vitest';
import { intParam, patchSearch, pickParam } from './urlState';

describe('patchSearch', () => {
  it('sets, removes empty and default values, keeps other keys', () => {
    const p = new URLSearchParams('window=1h&q=x&other=1');
    expect(patchSearch(p, { window: '24h', q: '' }).toString()).toBe('window=24h&other=1');
    expect(patchSearch(p, { window: '5m' }, { window: '5m' }).toString()).toBe('q=x&other=1');
    expect(patchSearch(p, { page: 3, desc: false, user: null }).toString()).toBe('window=1h&q=x&other=1&page=3');
  });
});

describe('reading', () => {
  it('accepts only allowed values and non-negative integers', () => {
    const p = new URLSearchParams('window=2d&page=-1&offset=50&sort=user');
    expect(pickParam(p, 'window', ['5m', '1h', '24h'] as const, '5m')).toBe('5m');
    expect(pickParam(p, 'sort', ['time', 'user'] as const, 'time')).toBe('user');
    expect(intParam(p, 'page')).toBe(0);
    expect(intParam(p, 'offset')).toBe(50);
    expect(intParam(p, 'missing')).toBe(0);
  });
});
